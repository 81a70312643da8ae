import { Rule } from '../types';
import { envNotMapping, yamlUnusualLineBreak, unreadableValue, yamlKeyNotString, yamlMergeNotMapping, yamlMultipleDocuments, yamlRootNotMapping, yamlSyntax } from './structure';
import { duplicateKey } from './duplicate-key';
import { commandNotInVersion, modelineUnknownCommand, modelineUnknownOption, modelineUnknownVersion } from './modeline';

export const documentRules: readonly Rule[] = [
  yamlSyntax,
  yamlMultipleDocuments,
  yamlRootNotMapping,
  yamlKeyNotString,
  yamlMergeNotMapping,
  envNotMapping,
  yamlUnusualLineBreak,
  unreadableValue,
  duplicateKey,
  modelineUnknownCommand,
  modelineUnknownVersion,
  modelineUnknownOption,
  commandNotInVersion,
];
