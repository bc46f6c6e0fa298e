/**
 * The version sent in `X-Coder-Build-Version`. Coder's CLI compares it with its own and warns on
 * a mismatch, so it names the Coder release whose API this service follows (v2.26, September
 * 2025), with edgeauth's own version as semver build metadata.
 */
export const BUILD_VERSION = 'v2.26.0+edgeauth.0.1.0'
