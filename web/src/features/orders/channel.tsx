import { Badge, type BadgeTone } from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';

/** Where an order came from: the web app, an MCP client with an API key, or an ACP agent platform. */
export type OrderChannel = 'web' | 'mcp' | 'acp';

const tones: Record<OrderChannel, BadgeTone> = { web: 'neutral', mcp: 'info', acp: 'violet' };

/** The badge's text: "Web", "MCP" or "Agent · <platform name>". */
export function channelLabel(channel: string, agentPlatformName?: string | null): string {
  if (channel === 'web') return 'Web';
  if (channel === 'mcp') return 'MCP';
  if (channel === 'acp') return `Agent · ${agentPlatformName?.trim() || 'unknown platform'}`;
  return channel;
}

/** A channel as a kind, for breakdowns over many orders: "Web", "MCP", "Agents (ACP)". */
export function channelKindLabel(channel: string): string {
  return channel === 'acp' ? 'Agents (ACP)' : channelLabel(channel);
}

/** A sentence for the tooltip: what the short label means. */
export function channelDescription(channel: string, agentPlatformName?: string | null): string {
  if (channel === 'web') return 'Placed in the web app';
  if (channel === 'mcp') return 'Placed through an MCP client with an API key';
  if (channel === 'acp') return `Placed by the agent platform ${agentPlatformName?.trim() || '(unknown)'} over ACP`;
  return `Placed through ${channel}`;
}

/**
 * The channel an order came through, as text (colour only repeats it). Long platform names are cut with an
 * ellipsis so the badge never widens a phone layout; the full name stays in the tooltip and for screen readers.
 */
export function ChannelBadge({
  channel,
  agentPlatformName,
  className,
}: {
  channel: string;
  agentPlatformName?: string | null;
  className?: string;
}) {
  const label = channelLabel(channel, agentPlatformName);
  return (
    <Badge
      tone={tones[channel as OrderChannel] ?? 'neutral'}
      className={cn('min-w-0 max-w-full sm:max-w-56', className)}
      title={channelDescription(channel, agentPlatformName)}
      data-testid="order-channel"
      data-channel={channel}
    >
      <span className="sr-only">Channel: </span>
      <span className="truncate">{label}</span>
    </Badge>
  );
}
