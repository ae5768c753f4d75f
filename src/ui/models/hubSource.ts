import type { RegistryModel } from '../../models/modelRegistry';
import type { HubSource } from '../../worker/modelDownloadProtocol';
import { hubHosts } from '../app/contentSecurityPolicy';

/**
 * The Hub this build fetches models from: VITE_HUB_ENDPOINT at build time (a mirror, a
 * self-hosted Hub, or the tests' double), huggingface.co without it. Set at build time so the
 * Content-Security-Policy (vite.config.ts) names the same hosts.
 */
const HUB_ENDPOINT = (import.meta.env.VITE_HUB_ENDPOINT as string | undefined)?.replace(/\/+$/, '') || 'https://huggingface.co';
const DOWNLOAD_HOSTS = ((import.meta.env.VITE_HUB_DOWNLOAD_HOSTS as string | undefined) ?? '').split(/\s+/).filter(Boolean);

/** The repository a registry model is fetched from, or null where it is not on the Hub. */
export function hubSourceOf(model: RegistryModel): HubSource | null {
  return model.origin.kind === 'huggingface' ? { endpoint: HUB_ENDPOINT, repo: model.origin.repository, revision: 'main' } : null;
}

/** The hosts a Hub download contacts, to show before the user agrees. */
export const HUB_HOSTS: readonly string[] = hubHosts(HUB_ENDPOINT, DOWNLOAD_HOSTS).map((host) => host.replace(/^https?:\/\//, ''));
