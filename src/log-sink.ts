/**
 * Where the process's log lines go: the screen (stderr) by default, or a file once the terminal
 * chat is on — stderr is the same terminal, so every log line would land in the middle of the
 * conversation. The logger is created before anyone knows whether the terminal chat will open
 * (that needs the configuration from the database), so it writes through this switchable sink
 * (`createLogger({ write: sink.write })`) and the app switches it later.
 *
 * The file is appended to with synchronous writes: lines stay in order and survive a crash, and
 * a log line is small. Its folder is made 0700 and the file 0600 (logs can name chats and
 * tools). If the file cannot be written, lines fall back to the screen rather than vanish.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export interface LogSink {
  /** Pass this as the logger's `write`. */
  readonly write: (line: string) => void;
  /** From now on lines are appended to `path`; throws (nothing switched) if it cannot be opened. */
  toFile(path: string): void;
  /** Back to the screen; closes the file. */
  close(): void;
}

export function createLogSink(screen: (line: string) => void): LogSink {
  let file: number | undefined;

  return {
    write(line) {
      if (file === undefined) return screen(line);
      try {
        writeSync(file, `${line}\n`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        closeSync(file);
        file = undefined;
        screen(`log file not writable (${reason}); logging here instead`);
        screen(line);
      }
    },
    toFile(path) {
      const folder = dirname(path);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      chmodSync(folder, 0o700);
      const opened = openSync(path, "a", 0o600);
      try {
        fchmodSync(opened, 0o600);
      } catch (error) {
        closeSync(opened);
        throw error;
      }
      if (file !== undefined) closeSync(file);
      file = opened;
    },
    close() {
      if (file !== undefined) closeSync(file);
      file = undefined;
    },
  };
}
