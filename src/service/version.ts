/** The package version, as `sig2rtm --version` and the OpenAPI document give it (a test compares it with package.json). */
export const VERSION = '0.1.0';
