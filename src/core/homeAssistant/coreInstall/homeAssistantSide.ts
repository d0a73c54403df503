// What the two clients that reach Home Assistant (CoreInstallClient, SupervisorWithAgentsClient) both
// ask of it the same way: its automatic-backup settings, its event bus, its services and its config
// check. One body for both; each client says how it reaches Home Assistant.
import { backupConfig, updateBackupConfig, type BackupManagerConfig, type CallOptions } from '../backupManager/client';
import type { BackupConfigUpdate } from '../automaticSettings';
import type { HomeAssistantCommands } from '../backupConfig';
import { callService, getServices, validateConfig, type ConfigParts, type ConfigValidity, type ServiceDescriptions } from '../services';

export abstract class HomeAssistantSide {
  /** The connection to Home Assistant's websocket API. */
  protected abstract homeAssistant(): Promise<HomeAssistantCommands>;

  async automaticSettings(opts: CallOptions = {}): Promise<BackupManagerConfig> {
    return backupConfig(await this.homeAssistant(), opts);
  }

  async updateAutomaticSettings(update: BackupConfigUpdate, opts: CallOptions = {}): Promise<void> {
    await updateBackupConfig(await this.homeAssistant(), update, opts);
  }

  async fireEvent(eventType: string, data: Record<string, unknown>, opts: CallOptions = {}): Promise<void> {
    await (await this.homeAssistant()).command({ type: 'fire_event', event_type: eventType, event_data: data }, opts);
  }

  async services(opts: CallOptions = {}): Promise<ServiceDescriptions> {
    return getServices(await this.homeAssistant(), opts);
  }

  async callService(domain: string, service: string, data: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<void> {
    await callService(await this.homeAssistant(), domain, service, data, opts);
  }

  async validateConfig(parts: ConfigParts, opts: CallOptions = {}): Promise<ConfigValidity> {
    return validateConfig(await this.homeAssistant(), parts, opts);
  }
}
