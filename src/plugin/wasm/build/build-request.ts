/** What the host asks the build child for (passed as its one argument, JSON). */
import type { SourceLanguage } from "./check-source.ts";

export type BuildBackend = "qjs" | "starlingmonkey";

/** The WIT world a component is built for (tools/wit/plugin.wit): a tool or a channel. */
export type PluginWorld = "tool" | "channel";

export interface BuildRequest {
  readonly language: SourceLanguage;
  readonly backend: BuildBackend;
  /** Absolute path of tools/wit/plugin.wit. */
  readonly witPath: string;
  /** Default "tool". */
  readonly world?: PluginWorld;
}
