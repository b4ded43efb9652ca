/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `npm run typecheck`'s job; here we only transpile, which keeps the suite fast.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', esModuleInterop: true, ignoreDeprecations: '5.0' } }],
  },
  testTimeout: 20000,
  // Examples import the package by name, as users do.
  moduleNameMapper: { '^sig2rtm/(.*)$': '<rootDir>/src/$1.ts', '^sig2rtm$': '<rootDir>/src/index.ts' },
};
