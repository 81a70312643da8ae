// Cursor markers: write a config with `|` where the cursor is.
import { parseConfig, ConfigDocument } from '../../core/src/config/parse';
import { resolveContext, ConfigContext } from '../../core/src/config/context';
import { Position } from '../../core/src/text/positions';

export function at(textWithCursor: string): { doc: ConfigDocument; context: ConfigContext; pos: Position; text: string } {
  const offset = textWithCursor.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  const doc = parseConfig(text);
  return { doc, context: resolveContext(doc), pos: doc.lines.position(offset), text };
}
