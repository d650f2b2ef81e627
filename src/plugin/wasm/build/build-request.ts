/** What the host asks the build child for (passed as its one argument, JSON). */
import type { SourceLanguage } from "./check-source.ts";

export type BuildBackend = "qjs" | "starlingmonkey";

export interface BuildRequest {
  readonly language: SourceLanguage;
  readonly backend: BuildBackend;
  /** Absolute path of tools/wit/plugin.wit. */
  readonly witPath: string;
}
