// The names Home Assistant gives its backup agents (`backup/agents/info`: "Nextcloud", "Home Assistant
// Cloud"), for labels of locations that are agent ids on a Core or Container install. Set with every list.
import * as vscode from 'vscode';
import { agentKind } from '../../core/backups';
import type { AgentInfo } from '../../core/homeAssistant/backupManager';

let names = new Map<string, string>();

export function setAgentNames(agents: readonly AgentInfo[]): void {
  names = new Map(agents.map((a) => [a.agentId, a.name]));
}

/** The agent's name, when `location` is an agent Home Assistant named. */
export function agentNameOf(location: string): string | undefined {
  return names.get(location);
}

/** local disk, network storage or a cloud service: the icon of a copy. */
export function agentIcon(location: string | null): vscode.ThemeIcon {
  if (location === null || location === '.local') return new vscode.ThemeIcon('device-desktop');
  if (!names.has(location)) return new vscode.ThemeIcon('server');
  const kind = agentKind(location);
  return new vscode.ThemeIcon(kind === 'cloud' ? 'cloud' : kind === 'network' ? 'server' : 'device-desktop');
}
