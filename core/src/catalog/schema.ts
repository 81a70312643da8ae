// The shape of the project's own argument catalog (core/data/catalog/*.json), validated with zod when loaded.
// The files are produced by scripts/generate-catalog.ts from ms-swift's extracted argument reference.
import { z } from 'zod';

export const KNOWN_VERSIONS = ['3.4.1', '4.5.2'] as const;
export type KnownVersion = (typeof KNOWN_VERSIONS)[number];

export const COMMANDS = [
  'megatron sft',
  'megatron pt',
  'megatron rlhf',
  'megatron export',
  'swift sft',
  'swift pt',
  'swift rlhf',
  'swift export',
  'swift infer',
  'swift deploy',
  'swift eval',
] as const;
export type CommandName = (typeof COMMANDS)[number];

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

/** How a value of the argument is parsed (what HfArgumentParser does with the annotation). */
export const ArgKind = z.enum(['bool', 'int', 'float', 'str', 'enum', 'list', 'dict', 'other']);
export type ArgKind = z.infer<typeof ArgKind>;

export const ArgSpecSchema = z
  .object({
    name: z.string().min(1),
    kind: ArgKind,
    annotation: z.string(),
    /** list item type */
    items: z.enum(['str', 'int', 'float']).optional(),
    /** allowed values (enum, or list items); null stands for Python None, passed as the text "None" */
    choices: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
    /** declared default; absent when computed */
    default: jsonValue.optional(),
    /** source text of a default that is not a literal */
    computedDefault: z.string().optional(),
    /** the annotation admits None */
    optional: z.boolean(),
    /** bool parsing: a bare flag means true, or a value is required (Optional[bool]) */
    boolMode: z.enum(['flag', 'value-required']).optional(),
    /** argparse also registers --no_<name> */
    noFlag: z.boolean().optional(),
    /** list with a plain default: the parsed default is None */
    listDefaultIgnored: z.boolean().optional(),
    /** why the argument cannot be set from the command line or YAML, when it cannot */
    problem: z.string().optional(),
    private: z.boolean().optional(),
    /** marked as most used in ms-swift's docs */
    common: z.boolean().optional(),
    sourceClass: z.string(),
    source: z.string(),
  })
  .strict();
export type ArgSpec = z.infer<typeof ArgSpecSchema>;

export const CommandCatalogSchema = z
  .object({
    argsClass: z.string(),
    /** argument name -> index into specs, in argparse registration order */
    args: z.record(z.string(), z.number().int().nonnegative()),
  })
  .strict();

export const VersionCatalogSchema = z
  .object({
    version: z.enum(KNOWN_VERSIONS),
    source: z.object({ repository: z.string(), tag: z.string(), commit: z.string() }).strict(),
    commands: z.record(z.string(), CommandCatalogSchema),
    specs: z.array(ArgSpecSchema),
  })
  .strict();
export type VersionCatalogData = z.infer<typeof VersionCatalogSchema>;

export const RenameSchema = z
  .object({
    old: z.string(),
    /** new name; absent when the argument was removed without a successor */
    new: z.string().optional(),
    relation: z.enum(['renamed', 'inverted', 'replaced-by', 'unit-change', 'compat-dropped', 'removed']),
    hint: z.string(),
  })
  .strict();
export type Rename = z.infer<typeof RenameSchema>;

export const RenamesSchema = z
  .object({
    from: z.literal('3.4.1'),
    to: z.literal('4.5.2'),
    commands: z.array(z.string()),
    renames: z.array(RenameSchema),
  })
  .strict();
export type RenamesData = z.infer<typeof RenamesSchema>;
