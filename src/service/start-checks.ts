/**
 * Checks made before the server starts, each failing with one line that names the option and the
 * file: a data directory that cannot hold the database, TLS files that are not PEM. Without them
 * these surface as stack traces from deep inside SQLite or TLS, or (a data dir under /proc) as a
 * hang.
 */

import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** The data directory exists (or can be made), is a directory of a regular file system, and is writable. */
export function checkDataDir(dir: string): void {
  const abs = path.resolve(dir);
  // Kernel pseudo file systems accept some writes and hang or lie on others: never a place for a database.
  if (/^\/(proc|sys|dev)(\/|$)/.test(abs)) throw new ConfigError(`--data-dir: ${dir} is on a kernel pseudo file system (${abs.split('/')[1]}), not a place for the database`);
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) throw new ConfigError(`--data-dir: ${dir} is not a directory`);
  try {
    fs.mkdirSync(abs, { recursive: true });
  } catch (err) {
    throw new ConfigError(`--data-dir: cannot create ${dir} (${reason(err)})`);
  }
  const probe = path.join(abs, `.sig2rtm-write-check-${process.pid}`);
  try {
    const fd = fs.openSync(probe, 'w');
    fs.writeSync(fd, 'ok');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.unlinkSync(probe);
  } catch (err) {
    throw new ConfigError(`--data-dir: cannot write in ${dir} (${reason(err)})`);
  }
}

/** The TLS key and certificate, read and parsed: a file that is not PEM is named, never a TLS stack trace. */
export function readTls(keyFile: string, certFile: string): { key: Buffer; cert: Buffer } {
  const read = (flag: string, file: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${flag}: cannot read ${file} (${reason(err)})`);
    }
  };
  const key = read('--tls-key', keyFile);
  const cert = read('--tls-cert', certFile);
  try {
    createPrivateKey(key);
  } catch {
    throw new ConfigError(`--tls-key: ${keyFile} is not a PEM private key`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`--tls-cert: ${certFile} is not a PEM certificate`);
  }
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new ConfigError(`--tls-cert: ${certFile} does not match the key in ${keyFile}`);
  return { key, cert };
}
