/**
 * The credential formats the leak detector knows by shape, each with what to do on a match.
 * `block` withholds the whole text (private keys: a redacted half of a PEM block is still a
 * disaster to have shown), `redact` replaces the match (a provider key inside an otherwise useful
 * answer), `warn` only records the event (shapes that also occur in harmless text, such as JWTs
 * in documentation). Patterns are anchored on the vendor prefix and a minimum body length so
 * near-misses ("sk-" in prose, a short "ghp_") do not match; the corpus in test/safety/corpus/
 * holds both sides of that line.
 */
export type LeakAction = "block" | "redact" | "warn";

export interface LeakPattern {
  /** Stable name, stored in `leak_events` and shown to the owner (never the value). */
  readonly name: string;
  readonly action: LeakAction;
  /** Must be global; the detector resets `lastIndex` before each use. */
  readonly regex: RegExp;
}

const pattern = (name: string, action: LeakAction, regex: RegExp): LeakPattern => ({ name, action, regex });

export const leakPatterns: readonly LeakPattern[] = [
  pattern("pem_private_key", "block", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g),
  pattern("openssh_private_key", "block", /-----BEGIN OPENSSH PRIVATE KEY-----/g),
  pattern("putty_private_key", "block", /PuTTY-User-Key-File-\d: ssh-(?:rsa|ed25519|dss)/g),
  pattern("anthropic_api_key", "redact", /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}/g),
  pattern("openai_project_key", "redact", /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/g),
  pattern(
    "openai_api_key",
    "redact",
    /\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b|\bsk-[A-Za-z0-9]{48}\b/g,
  ),
  pattern("aws_access_key_id", "redact", /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g),
  pattern(
    "aws_secret_access_key",
    "redact",
    /\baws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
  ),
  pattern("github_token", "redact", /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/g),
  pattern("github_fine_grained_token", "redact", /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/g),
  pattern("gitlab_token", "redact", /\bglpat-[A-Za-z0-9_-]{20}\b/g),
  pattern("slack_token", "redact", /\bxox[abposr]-(?:\d+-)+[A-Za-z0-9-]{10,}/g),
  pattern("slack_app_token", "redact", /\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}\b/g),
  pattern(
    "slack_webhook",
    "redact",
    /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,}/g,
  ),
  pattern("stripe_secret_key", "redact", /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,}\b/g),
  pattern("google_api_key", "redact", /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g),
  pattern("google_oauth_secret", "redact", /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g),
  pattern("telegram_bot_token", "redact", /\b\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g),
  pattern(
    "discord_bot_token",
    "redact",
    /\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/g,
  ),
  pattern("huggingface_token", "redact", /\bhf_[A-Za-z0-9]{34,}\b/g),
  pattern("npm_token", "redact", /\bnpm_[A-Za-z0-9]{36}\b/g),
  pattern("sendgrid_api_key", "redact", /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g),
  pattern("twilio_api_key", "redact", /\bSK[0-9a-f]{32}\b/g),
  pattern("jwt", "warn", /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g),
  pattern(
    "bearer_authorization",
    "redact",
    /\bAuthorization:\s*(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
  ),
  pattern("url_with_password", "redact", /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s:/@]{6,}@[^\s/]+/gi),
];
