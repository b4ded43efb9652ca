// `npm run build:java`: the Java/Android legacy SDK (package io.agora), built with Debian's JDK at the
// Java 8 language level (Android), against OkHttp 3 + Okio (WebSocket) and org.json (Android's own;
// Debian's libandroid-json-java here). Leaves in dist/java/:
//   sig2rtm-signaling.jar          the SDK (io.agora.*, io.agora.sig2rtm.*)
//   sig2rtm-signaling-sources.jar  its sources (hand-written and generated)
//   sig2rtm-android-stub.jar       android.content.Context for JVM apps (never in the SDK jar)
// The generated sources (java/src/generated) come from `npm run gen:java`; a test checks they are current.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist', 'java');

/** The SDK's dependencies as Debian installs them (scripts/ensure-system-deps.sh). */
export const JAVA_DEPS = ['/usr/share/java/okhttp.jar', '/usr/share/java/okio.jar', '/usr/share/java/com.android.json.jar'];

function sources(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.java')).map((f) => path.join(dir, f));
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

export function buildJava() {
  for (const dep of JAVA_DEPS) {
    if (!fs.existsSync(dep)) throw new Error(`${dep} missing: run scripts/ensure-system-deps.sh (libokhttp-java, libokio-java, libandroid-json-java)`);
  }
  fs.mkdirSync(out, { recursive: true });
  // Build in a private folder and move the jars in at the end, so parallel builds never see half a jar.
  const tmp = fs.mkdtempSync(path.join(out, '.build-'));
  try {
    const stubClasses = path.join(tmp, 'stub');
    const classes = path.join(tmp, 'classes');
    const javac = ['--release', '8', '-encoding', 'UTF-8', '-Xlint:all,-options', '-Werror'];
    run('javac', [...javac, '-d', stubClasses, ...sources(path.join(root, 'java', 'stubs'))]);
    const src = [path.join(root, 'java', 'src', 'main'), path.join(root, 'java', 'src', 'generated')];
    run('javac', [...javac, '-d', classes, '-cp', [stubClasses, ...JAVA_DEPS].join(path.delimiter), ...src.flatMap(sources)]);
    const manifest = path.join(tmp, 'MANIFEST.MF');
    fs.writeFileSync(manifest, 'Implementation-Title: sig2rtm-signaling\nImplementation-Version: 0.1.0\n');
    const jars = {
      'sig2rtm-signaling.jar': ['--manifest', manifest, '-C', classes, '.'],
      'sig2rtm-signaling-sources.jar': src.flatMap((d) => ['-C', d, '.']),
      'sig2rtm-android-stub.jar': ['-C', stubClasses, '.'],
    };
    for (const [name, args] of Object.entries(jars)) {
      run('jar', ['--create', '--file', path.join(tmp, name), ...args]);
      fs.renameSync(path.join(tmp, name), path.join(out, name));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildJava();
  console.log(`built ${path.relative(root, out)}/sig2rtm-signaling.jar (+ sources, android stub)`);
}
