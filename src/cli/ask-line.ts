/**
 * One answer line from the terminal, for the commands that ask the owner before they act
 * (`tools install`, `skills install`). The question goes to stderr: stdout may be redirected.
 */
export async function askLine(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}
