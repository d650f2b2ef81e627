/**
 * What a proxied job trusts: the host's CA bundle plus the install's egress CA (public
 * certificates only; the CA's key never leaves IRONCLAW_HOME), mounted read-only at the usual
 * bundle path, with the variables common tools read pointing at it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EgressCa } from "./egress-ca.ts";

/** Where a job finds the CA bundle (the system's CAs plus the install's egress CA). */
export const jobCaBundlePath = "/etc/ssl/certs/ca-certificates.crt";
export const caEnvironment = {
  SSL_CERT_FILE: jobCaBundlePath,
  CURL_CA_BUNDLE: jobCaBundlePath,
  REQUESTS_CA_BUNDLE: jobCaBundlePath,
  NODE_EXTRA_CA_CERTS: jobCaBundlePath,
  GIT_SSL_CAINFO: jobCaBundlePath,
};
const systemBundle = "/etc/ssl/certs/ca-certificates.crt";

/** The host's CA bundle plus the egress CA (public certificates only), next to the CA. */
export function caBundleOf(ca: EgressCa): string {
  const path = join(dirname(ca.certificatePath), "job-ca-bundle.crt");
  const system = existsSync(systemBundle) ? readFileSync(systemBundle, "utf8") : "";
  writeFileSync(path, `${system.trimEnd()}\n${ca.certificate}`, { mode: 0o644 });
  return path;
}
