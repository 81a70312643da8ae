// Colours and fonts from the VS Code theme (CSS variables on the webview's document), with fallbacks for a plain
// browser page.

export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  axis: string;
  background: string;
  selection: string;
  fontFamily: string;
  /** Colours for runs, in order. */
  palette: string[];
  estimate: string;
  gpu: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v !== '' ? v : fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const dark = !document.body.classList.contains('vscode-light');
  const foreground = cssVar(style, '--vscode-foreground', dark ? '#cccccc' : '#3b3b3b');
  return {
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: cssVar(style, '--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    axis: cssVar(style, '--vscode-editorRuler-foreground', cssVar(style, '--vscode-editorWidget-border', dark ? '#5a5a5a' : '#a0a0a0')),
    background: cssVar(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    selection: cssVar(style, '--vscode-editor-selectionBackground', dark ? '#264f78' : '#add6ff'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif'),
    palette: [
      cssVar(style, '--vscode-charts-blue', '#3794ff'),
      cssVar(style, '--vscode-charts-orange', '#d18616'),
      cssVar(style, '--vscode-charts-green', '#89d185'),
      cssVar(style, '--vscode-charts-purple', '#b180d7'),
      cssVar(style, '--vscode-charts-red', '#f14c4c'),
      cssVar(style, '--vscode-charts-yellow', '#cca700'),
      // Past six runs: further distinct hues (not theme colours, but readable on light and dark backgrounds).
      '#17a2b8',
      '#e377c2',
      '#8c9c3c',
      '#a0785a',
    ],
    estimate: cssVar(style, '--vscode-charts-yellow', '#cca700'),
    gpu: cssVar(style, '--vscode-charts-red', '#f14c4c'),
  };
}
