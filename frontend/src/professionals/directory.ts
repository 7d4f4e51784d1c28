import type { Professional, Trade } from './professionals-api';

/** Lower case without accents, as the API folds names (chalicelib/communes/service.py `fold`). */
export function fold(text: string): string {
  return text.toLowerCase().replace(/ß/g, 'ss').normalize('NFKD').replace(/\p{M}/gu, '');
}

/** A professional's identity, as the API keys them: trade, folded name and contact. */
export function professionalKey(trade: string, name: string, contact: string): string {
  return `${trade}|${fold(name).split(/\s+/).filter(Boolean).join(' ')}|${contact}`;
}

export interface ContactLink {
  kind: 'phone' | 'email' | 'website';
  href: string;
  text: string;
}

/** A link that opens the phone, the mail program or the website; null for anything else. */
export function contactLink(kind: ContactLink['kind'], value: string): ContactLink | null {
  const text = value.trim();
  if (!text) return null;
  if (kind === 'phone') {
    const digits = text.replace(/[^0-9+]/g, '');
    return /^\+?[0-9]{6,}$/.test(digits) ? { kind, href: `tel:${digits}`, text } : null;
  }
  if (kind === 'email') return /^[^\s@]+@[^\s@]+$/.test(text) ? { kind, href: `mailto:${text}`, text } : null;
  try {
    const url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return { kind, href: url.href, text: url.hostname.replace(/^www\./, '') + (url.pathname === '/' ? '' : url.pathname) };
  } catch {
    return null;
  }
}

/** The aggregated contact alone (email, phone digits or host), as a link. */
export function linkFromContact(contact: string): ContactLink | null {
  if (contact.includes('@')) return contactLink('email', contact);
  if (/^\+?[0-9]+$/.test(contact)) return contactLink('phone', contact);
  return contactLink('website', contact);
}

export interface Recommendation {
  postId: string;
  text: string;
  authorName: string | null;
}

/** One professional as the directory shows them: how to reach them and what neighbours wrote. */
export interface DirectoryEntry {
  key: string;
  trade: Trade;
  name: string;
  households: number;
  links: ContactLink[];
  recommendations: Recommendation[];
}

const LINK_ORDER = { phone: 0, email: 1, website: 2 } as const;

/**
 * The API's professionals as the directory shows them: their phone, email and website as links (the
 * aggregated contact when none makes a link), and the recommendations the API lists (hidden ones left
 * out by the API).
 */
export function directory(professionals: Professional[]): DirectoryEntry[] {
  return professionals.map((professional) => {
    const links: ContactLink[] = [];
    for (const kind of ['phone', 'email', 'website'] as const) {
      const value = professional[kind];
      const link = typeof value === 'string' ? contactLink(kind, value) : null;
      if (link) links.push(link);
    }
    if (links.length === 0) {
      const fallback = linkFromContact(professional.contact);
      if (fallback) links.push(fallback);
    }
    links.sort((a, b) => LINK_ORDER[a.kind] - LINK_ORDER[b.kind]);
    const recommendations = (professional.recommendations ?? [])
      .map((r) => ({ postId: r.post_id, text: r.text, authorName: r.author_name ?? null }))
      .filter((r) => r.text.trim());
    return {
      key: professionalKey(professional.trade, professional.name, professional.contact),
      trade: professional.trade, name: professional.name, households: professional.households, links, recommendations,
    };
  });
}
