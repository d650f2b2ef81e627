/**
 * The per-install certificate authority the egress proxy uses to open HTTPS for hosts that
 * have a mapped credential: generated on first use (ECDSA P-256 through WebCrypto and
 * @peculiar/x509), its private key written 0600 next to the public certificate in a folder of
 * IRONCLAW_HOME that is never mounted into a container. Only the certificate (public) goes to
 * jobs, as the CA bundle they trust. Leaf certificates are made per host name on demand, valid
 * for a day, and kept in memory only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";

type X509 = typeof import("@peculiar/x509");

/**
 * Loaded on first use, after `reflect-metadata` (its dependency tsyringe needs `Reflect.getMetadata`
 * at load time; a static import would be linked before the polyfill runs).
 */
async function loadX509(): Promise<X509> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(crypto);
  return x509;
}

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const day = 24 * 60 * 60 * 1000;

export interface LeafCertificate {
  certificate: string;
  privateKey: string;
}

export interface EgressCa {
  /** The CA certificate (PEM, public) jobs are told to trust. */
  certificate: string;
  /** Its path on the host, for a read-only bind into the container. */
  certificatePath: string;
  leafFor(hostname: string): Promise<LeafCertificate>;
}

function toPem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const bytes = Buffer.from(body, "base64");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

async function createAuthority(x509: X509, keyPath: string, certificatePath: string): Promise<void> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=IronClaw job egress CA",
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKey = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  writeFileSync(keyPath, toPem("PRIVATE KEY", privateKey), { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certificatePath, certificate.toString("pem"), { mode: 0o644 });
}

/** Loads the CA from `folder`, creating it the first time. */
export async function loadEgressCa(folder: string): Promise<EgressCa> {
  const x509 = await loadX509();
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const keyPath = join(folder, "egress-ca.key");
  const certificatePath = join(folder, "egress-ca.crt");
  if (!existsSync(keyPath) || !existsSync(certificatePath))
    await createAuthority(x509, keyPath, certificatePath);
  chmodSync(keyPath, 0o600);
  const certificatePem = readFileSync(certificatePath, "utf8");
  const authority = new x509.X509Certificate(certificatePem);
  const signingKey = await crypto.subtle.importKey(
    "pkcs8",
    fromPem(readFileSync(keyPath, "utf8")),
    algorithm,
    false,
    ["sign"],
  );
  const leaves = new Map<string, Promise<LeafCertificate>>();

  const issue = async (hostname: string): Promise<LeafCertificate> => {
    const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const name = isIP(hostname)
      ? { type: "ip" as const, value: hostname }
      : { type: "dns" as const, value: hostname };
    const certificate = await x509.X509CertificateGenerator.create({
      subject: `CN=${hostname.replace(/[,+="\\<>;#]/g, "")}`,
      issuer: authority.subject,
      notBefore: new Date(Date.now() - 60 * 60 * 1000),
      notAfter: new Date(Date.now() + day),
      signingAlgorithm: algorithm,
      publicKey: keys.publicKey,
      signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([name]),
        await x509.AuthorityKeyIdentifierExtension.create(authority),
      ],
    });
    return {
      certificate: certificate.toString("pem"),
      privateKey: toPem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)),
    };
  };

  return {
    certificate: certificatePem,
    certificatePath,
    leafFor(hostname) {
      const key = hostname.toLowerCase();
      let leaf = leaves.get(key);
      if (!leaf) {
        leaf = issue(key);
        leaves.set(key, leaf);
      }
      return leaf;
    },
  };
}
