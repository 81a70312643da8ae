// Entry point of the bundled server (dist/server.js): IPC when started by the VS Code client, stdio with --stdio.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
