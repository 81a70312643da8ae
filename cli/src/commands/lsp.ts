// `ms-swift-studio lsp --stdio`: the language server for other editors (Neovim, Helix, ...).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../../server/src/server';
import { UsageError } from '../usage';

export function runLsp(argv: string[]): void {
  const unknown = argv.filter((a) => a !== '--stdio');
  if (!argv.includes('--stdio') || unknown.length) throw new UsageError('lsp takes exactly one option: --stdio');
  startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
}
