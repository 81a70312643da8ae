// Bundles the extension client, the language server and the CLI with esbuild into dist/.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

export async function build(options: { minify?: boolean } = {}): Promise<void> {
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    define: { __VERSION__: JSON.stringify(pkg.version) },
  };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'dist/client.js'), external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'client/src/launch/index.ts')], outfile: path.join(root, 'dist/launcher.js'), external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'client/src/lsp-client.ts')], outfile: path.join(root, 'dist/lsp-client.js'), external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/main.ts')], outfile: path.join(root, 'dist/server.js') }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'cli/src/main.ts')],
      outfile: path.join(root, 'dist/cli.js'),
      banner: { js: '#!/usr/bin/env node' },
    }),
    esbuild.build({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: [path.join(root, 'client/webview/metrics/main.ts')],
      outfile: path.join(root, 'dist/webview/metrics.js'),
    }),
  ]);
  fs.copyFileSync(path.join(root, 'client/webview/metrics/metrics.css'), path.join(root, 'dist/webview/metrics.css'));
  fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
}

if (require.main === module) {
  build().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
