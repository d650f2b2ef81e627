/**
 * A test-only TLS identity for "pinned.test" (a made-up name), self-signed and trusted by the
 * client through `ca`, so the pinned-fetch tests can prove that a connection made to an IP
 * address still verifies the certificate against the real host name. Valid 2000–2126 so no
 * machine clock makes it expire. Never used outside tests. Made with OpenSSL 3.0:
 *   openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt > key.pem
 *   openssl req -new -key key.pem -subj /CN=pinned.test > req.csr
 *   openssl ca -selfsign -keyfile key.pem -in req.csr -startdate 20000101000000Z \
 *     -enddate 21260101000000Z -extensions ext (subjectAltName = DNS:pinned.test) -notext
 */

export const certificateName = "pinned.test";

export const certificate = `-----BEGIN CERTIFICATE-----
MIIBZDCCAQqgAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtwaW5uZWQu
dGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8yMTI2MDEwMTAwMDAwMFowFjEUMBIGA1UE
AwwLcGlubmVkLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS9f4aXQxll
USbMcZ2PvI+c0FTUOj9H/irooXorzek/NxUZbKfr3ITNOMcPgMOPux9SRsmISS38
em0IPtwfovuTo0cwRTAWBgNVHREEDzANggtwaW5uZWQudGVzdDAMBgNVHRMBAf8E
AjAAMB0GA1UdDgQWBBTZ7scQ9C4cU9yL9Mt+dvADIM5+JzAKBggqhkjOPQQDAgNI
ADBFAiEArY1gsfOSWRxYsHHxyvDZ5nioC6lqNMJV7klP5CnY8WwCIBv//IuiIX8V
triAggk5RzhfDphhfgQ0y/KqwFoARcwR
-----END CERTIFICATE-----
`;

export const privateKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9cz8LVIIKuiwQW7V
327f01bCn+Hu64pHJlXys6QjtmOhRANCAAS9f4aXQxllUSbMcZ2PvI+c0FTUOj9H
/irooXorzek/NxUZbKfr3ITNOMcPgMOPux9SRsmISS38em0IPtwfovuT
-----END PRIVATE KEY-----
`;
