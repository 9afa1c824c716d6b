import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Previews live at /preview/<token>/ and their pages use relative asset URLs; the redirect that
  // strips the trailing slash would break them.
  skipTrailingSlashRedirect: true,
  reactStrictMode: true,
  // Native/wasm packages stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "pino-pretty", "postgres", "@e2b/code-interpreter", "e2b"],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
