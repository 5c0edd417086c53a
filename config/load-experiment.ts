// Loads an experiment YAML and checks what the schema cannot: that the task exists and that
// the files it names are there. Everything is checked before a workflow starts.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { taskNames } from '../data/tasks';
import { ConfigError } from './config-error';
import { experimentSchema } from '../experiment/experiment-schema';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import { parseWithSchema, parseYaml, readYamlFile } from './yaml-source';
import type { YamlSource } from './yaml-source';

/** Tasks that generate their questions from the seed; every other task reads task.file. */
const generatedTasks = new Set(['arithmetic']);

export function loadExperimentConfig(file: string): ExperimentConfig {
  return validateExperiment(readYamlFile(file));
}

export function parseExperimentConfig(file: string, text: string): ExperimentConfig {
  return validateExperiment(parseYaml(file, text));
}

function validateExperiment(source: YamlSource): ExperimentConfig {
  const config = parseWithSchema(source, experimentSchema);
  const fail = (path: string[], problem: string): never => {
    throw new ConfigError(source.file, path.join('.'), problem, source.lineOf(path));
  };
  if (!taskNames.includes(config.task.name)) {
    fail(['task', 'name'], `unknown task "${config.task.name}"; known: ${taskNames.join(', ')}`);
  }
  if (!generatedTasks.has(config.task.name) && config.task.file === undefined) {
    fail(['task', 'file'], `task "${config.task.name}" reads its questions from a file; give task.file`);
  }
  for (const key of ['file', 'testFile'] as const) {
    const path = config.task[key];
    if (path !== undefined && !isFile(path)) fail(['task', key], `data file not found: ${path}`);
  }
  if (!isFile(join(config.model.path, 'config.json'))) {
    fail(['model', 'path'], `not a Hugging Face model directory (no config.json): ${config.model.path}`);
  }
  if (config.method === 'magrpo' && typeof config.magrpo.reward === 'object' && !isFile(config.magrpo.reward.module)) {
    fail(['magrpo', 'reward', 'module'], `reward module not found: ${config.magrpo.reward.module}`);
  }
  return config;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
