// The CodeLens at the top of a config: ▶ Train on N GPUs · ⇄ Export · Show command. Kept light (no catalog, no
// YAML parser): it reads the modeline and the ENV lines with regular expressions.
import * as vscode from 'vscode';
import { gpuLabel, runLabel } from './labels';

export class LaunchCodeLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly rememberedGpus: () => number[] | undefined) {}

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText(new vscode.Range(0, 0, Math.min(document.lineCount, 400), 0));
    const range = new vscode.Range(0, 0, 0, 0);
    const label = runLabel(text);
    const title = label === 'Train' ? `▶ Train on ${gpuLabel(text, this.rememberedGpus())}` : `▶ ${label}`;
    return [
      new vscode.CodeLens(range, { title, command: 'msSwiftStudio.train', arguments: [document.uri] }),
      new vscode.CodeLens(range, { title: '⇄ Export', command: 'msSwiftStudio.export' }),
      new vscode.CodeLens(range, { title: 'Show command', command: 'msSwiftStudio.showCommand', arguments: [document.uri] }),
    ];
  }
}
