import { Rule } from '../types';
import { unknownArgument } from './unknown-argument';
import { argumentRenamedInV4 } from './renamed';
import { abbreviatedArgument, ambiguousAbbreviation } from './abbreviations';
import { typeMismatch, valueNotInChoices, yamlListItemsMustBeStrings, yamlNullOrEmptyValues } from './values';

export const argumentRules: readonly Rule[] = [
  unknownArgument,
  argumentRenamedInV4,
  ambiguousAbbreviation,
  abbreviatedArgument,
  typeMismatch,
  valueNotInChoices,
  yamlListItemsMustBeStrings,
  yamlNullOrEmptyValues,
];
