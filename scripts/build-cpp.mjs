// `npm run build:cpp`: the legacy C++ SDK (cpp/) with CMake, installed into dist/cpp:
//   dist/cpp/include/agora_sig.h   dist/cpp/lib/libagorasig.so (and .so.0, .so.0.1.0)   dist/cpp/lib/libagorasig.a
// `--sanitize`: the AddressSanitizer + UndefinedBehaviorSanitizer build, into dist/cpp/asan/ instead.
// The CMake build directory (dist/cpp/build, dist/cpp/build-asan) is kept: a rebuild only compiles what changed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sanitize = process.argv.includes('--sanitize');
const build = path.join(root, 'dist/cpp', sanitize ? 'build-asan' : 'build');
const prefix = path.join(root, 'dist/cpp', sanitize ? 'asan' : '');
const run = (args) => execFileSync('cmake', args, { stdio: ['ignore', 'ignore', 'inherit'] });

run(['-S', path.join(root, 'cpp'), '-B', build, `-DCMAKE_BUILD_TYPE=${sanitize ? 'Debug' : 'Release'}`, `-DSIG2RTM_SANITIZE=${sanitize ? 'ON' : 'OFF'}`]);
run(['--build', build, '--parallel', '2']);
run(['--install', build, '--prefix', prefix]);
console.log(`libagorasig built: ${path.relative(root, prefix) || '.'}/lib/libagorasig.so, libagorasig.a, include/agora_sig.h`);
