/**
 * Reads a secret value for `ironclaw secrets set` from stdin, so it never appears in argv (shell
 * history, `ps`). On a terminal, echo is switched off (raw mode) and the value ends at Enter;
 * from a pipe (`pass show x | ironclaw secrets set NAME`) everything is read and one trailing
 * line break dropped.
 */

export interface SecretInput {
  input: NodeJS.ReadStream;
  /** Where the prompt goes (stderr: stdout may be redirected). */
  prompt: (text: string) => void;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function readHidden(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const character of chunk.toString()) {
        if (character === "\r" || character === "\n" || character === "\u0004") {
          finish();
          return;
        }
        if (character === "\u0003") {
          finish(new Error("cancelled"));
          return;
        }
        if (character === "\u007f" || character === "\b") value = value.slice(0, -1);
        else value += character;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
  });
}

export async function readSecretValue(name: string, terminal: SecretInput): Promise<string> {
  if (!terminal.input.isTTY) return readAll(terminal.input);
  terminal.prompt(`Value for ${name} (not shown): `);
  try {
    return await readHidden(terminal.input);
  } finally {
    terminal.prompt("\n");
  }
}
