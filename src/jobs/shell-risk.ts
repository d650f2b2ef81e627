/**
 * A coarse risk reading of a shell command, for the approval prompt only: it marks commands
 * that are obviously destructive or that reach out (delete trees, overwrite disks, fork bombs,
 * pipe a download into a shell, push code), so the owner looks twice. It is not a defence — the
 * sandbox is — and it never allows anything: every job asks.
 */

export interface ShellRisk {
  level: "normal" | "destructive";
  /** Short reasons, e.g. "deletes files recursively (rm -rf)". */
  reasons: string[];
}

const patterns: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /\brm\s+(-[a-z]*[rf][a-z]*\s+)+/i, reason: "deletes files recursively or forcibly (rm -r/-f)" },
  { pattern: /\brm\s+.*(\s|^)(\/|~|\*|\.)(\s|$)/, reason: "deletes a root, home or wildcard path" },
  { pattern: /\b(mkfs(\.\w+)?|fdisk|parted|wipefs|shred)\b/, reason: "formats or wipes a disk or file" },
  { pattern: /\bdd\b[^|;&]*\bof=/, reason: "writes raw bytes with dd" },
  { pattern: />\s*\/dev\/(sd|nvme|hd|vd|xvd)/, reason: "writes to a block device" },
  { pattern: /:\s*\(\s*\)\s*\{[^}]*:\s*\|\s*:/, reason: "fork bomb" },
  { pattern: /\b(curl|wget)\b[^|]*\|\s*(ba|z|da)?sh\b/, reason: "runs a downloaded script" },
  { pattern: /\bchmod\s+(-R\s+)?[0-7]*7{2,}|\bchmod\s+-R\b/, reason: "changes permissions broadly" },
  { pattern: /\bchown\s+-R\b/, reason: "changes ownership recursively" },
  { pattern: /\bgit\s+(push|reset\s+--hard|clean\s+-[a-z]*f)/, reason: "rewrites or publishes git history" },
  {
    pattern: /\b(shutdown|reboot|halt|poweroff|kill\s+-9\s+-1|killall)\b/,
    reason: "stops the system or processes",
  },
  { pattern: /\bfind\b.*\s-delete\b|\bfind\b.*-exec\s+rm\b/, reason: "deletes files found by find" },
  { pattern: />\s*\/(etc|host|workspace)\//, reason: "overwrites files in a system or mounted folder" },
  { pattern: /\btruncate\s+-s\s*0\b/, reason: "empties files" },
];

export function classifyShellCommand(command: string): ShellRisk {
  const reasons = patterns.filter(({ pattern }) => pattern.test(command)).map(({ reason }) => reason);
  return { level: reasons.length > 0 ? "destructive" : "normal", reasons: [...new Set(reasons)] };
}
