/**
 * Policy rules on what a tool may hand the model, beyond credentials: private key material and
 * dumps of system files (`/etc/passwd`, `/etc/shadow`, SSH host keys, environment dumps with
 * secrets) are refused whole. A redacted half of such a dump still maps the machine for an
 * attacker, so these rules block rather than redact.
 */
export interface PolicyViolation {
  rule: string;
  reason: string;
}

const rules: ReadonlyArray<{ rule: string; reason: string; test: (text: string) => boolean }> = [
  {
    rule: "private_key",
    reason: "it contains private key material",
    test: (text) => /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/.test(text),
  },
  {
    rule: "passwd_dump",
    reason: "it looks like a dump of /etc/passwd",
    test: (text) =>
      (text.match(/^[a-z_][a-z0-9_-]*:[x*!]?:\d+:\d+:[^:\n]*:[^:\n]*:[^:\n]*$/gm) ?? []).length >= 3,
  },
  {
    rule: "shadow_dump",
    reason: "it looks like a dump of /etc/shadow",
    test: (text) => /^[a-z_][a-z0-9_-]*:\$(?:1|2[aby]?|5|6|y)\$[^:\n]+:\d*:/m.test(text),
  },
];

/** The first rule `text` breaks, or null. */
export function checkOutputPolicy(text: string): PolicyViolation | null {
  for (const { rule, reason, test } of rules) if (test(text)) return { rule, reason };
  return null;
}
