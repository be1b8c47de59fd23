// A throwaway certificate for --tls targets: self-signed for 127.0.0.1, ::1 and localhost.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GeneratedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

export async function generateCertificate(
  dir = mkdtempSync(join(tmpdir(), 'omega-tls-')),
): Promise<GeneratedCertificate> {
  // Loaded only for --tls: selfsigned takes longer to load than the rest of the CLI's start.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'omega-conformance test server' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { certFile, keyFile };
}
