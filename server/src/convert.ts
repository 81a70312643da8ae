// Core diagnostics and fixes -> LSP types.
import {
  CodeAction,
  CodeActionKind,
  CompletionItem,
  CompletionItemKind,
  Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  DocumentSymbol,
  FoldingRange,
  FoldingRangeKind,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
} from 'vscode-languageserver/node';
import { Diagnostic, Fix } from '../../core/src/rules/types';
import { Completion, CompletionKind } from '../../core/src/service/completion';
import { Fold, OutlineSymbol } from '../../core/src/service/symbols';

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  enum: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  constant: CompletionItemKind.Constant,
  module: CompletionItemKind.Module,
  folder: CompletionItemKind.Folder,
  file: CompletionItemKind.File,
  variable: CompletionItemKind.Variable,
  snippet: CompletionItemKind.Snippet,
  keyword: CompletionItemKind.Keyword,
};

export function toCompletionItem(c: Completion): CompletionItem {
  const item: CompletionItem = {
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    textEdit: { range: c.range, newText: c.insertText ?? c.label },
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  if (c.sortText) item.sortText = c.sortText;
  if (c.filterText) item.filterText = c.filterText;
  if (c.preselect) item.preselect = true;
  if (c.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  return item;
}

export function toDocumentSymbol(s: OutlineSymbol): DocumentSymbol {
  const kind = s.kind === 'namespace' ? SymbolKind.Namespace : s.kind === 'variable' ? SymbolKind.Variable : SymbolKind.Property;
  const out: DocumentSymbol = { name: s.name, kind, range: s.range, selectionRange: s.selectionRange };
  if (s.detail) out.detail = s.detail;
  if (s.children) out.children = s.children.map(toDocumentSymbol);
  return out;
}

export function toFoldingRange(f: Fold): FoldingRange {
  const out: FoldingRange = { startLine: f.startLine, endLine: f.endLine };
  if (f.kind === 'comment') out.kind = FoldingRangeKind.Comment;
  return out;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.source,
    message: d.message,
  };
  if (d.related?.length) out.relatedInformation = d.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
  if (d.tags?.length) out.tags = d.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  return out;
}

export function toCodeAction(fix: Fix, uri: string, diagnostic: LspDiagnostic): CodeAction {
  return {
    // code action titles are shown as plain text: no markdown backticks
    title: fix.title.replace(/`/g, ''),
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred ?? false,
    edit: { changes: { [uri]: fix.edits } },
  };
}
