// Entry of dist/lsp-client.js: vscode-languageclient, loaded when the first ms-swift config opens (it is most of
// what the client would otherwise load at activation).
export { LanguageClient, TransportKind, CloseAction, ErrorAction } from 'vscode-languageclient/node';
