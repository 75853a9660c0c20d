import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChannelBadge, channelLabel } from './channel.tsx';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('order channel badge', () => {
  it('names the channel in words: Web, MCP, Agent · platform', () => {
    expect(channelLabel('web')).toBe('Web');
    expect(channelLabel('mcp', null)).toBe('MCP');
    expect(channelLabel('acp', 'Shopping Agent')).toBe('Agent · Shopping Agent');
    expect(channelLabel('acp', null)).toBe('Agent · unknown platform');
  });

  it('renders text (not colour alone) with a tooltip and the channel for tests', () => {
    const html = renderToStaticMarkup(
      createElement(ChannelBadge, { channel: 'acp', agentPlatformName: 'Shopping <Agent>' }),
    );
    expect(text(html)).toBe('Channel: Agent · Shopping &lt;Agent&gt;');
    expect(html).toContain('data-channel="acp"');
    expect(html).toContain('title="Placed by the agent platform Shopping &lt;Agent&gt; over ACP"');
    expect(html).toContain('truncate');
    expect(text(renderToStaticMarkup(createElement(ChannelBadge, { channel: 'mcp' })))).toBe('Channel: MCP');
  });
});
