import { describe, expect, it } from 'vitest';
import { InvitationCard, type InvitationApi } from './invitation.svelte';

const INVITATION = { url: 'https://noper.lu/join?neighbourhood=0501-n1', neighbourhood_name: 'Op der Hiel', text: 'Anna B. invites you.' };

function fakeApi() {
  const calls = { invitation: 0, flyer: 0 };
  const api: InvitationApi = {
    invitation: async () => {
      calls.invitation += 1;
      return { ok: true, data: INVITATION };
    },
    invitationFlyer: async () => {
      calls.flyer += 1;
      return { ok: true, data: new Blob(['%PDF']) };
    },
  };
  return { api, calls };
}

describe('InvitationCard', () => {
  it('asks for the link on the first copy only, and says it was copied', async () => {
    const { api, calls } = fakeApi();
    const card = new InvitationCard(api);
    const copied: string[] = [];
    expect(calls.invitation).toBe(0); // nothing asked while the profile loads

    await card.copy(async (text) => void copied.push(text));
    await card.copy(async (text) => void copied.push(text));

    expect(copied).toEqual([INVITATION.url, INVITATION.url]);
    expect(card.copied).toBe(true);
    expect(calls.invitation).toBe(1);
  });

  it('keeps the link on screen when the clipboard refuses', async () => {
    const card = new InvitationCard(fakeApi().api);
    await card.copy(async () => {
      throw new Error('denied');
    });
    expect(card.copied).toBe(false);
    expect(card.invitation?.url).toBe(INVITATION.url);
  });

  it('prints the flyer as a PDF', async () => {
    const { api, calls } = fakeApi();
    const card = new InvitationCard(api);
    expect(await card.printFlyer()).toBeInstanceOf(Blob);
    expect(card.flyer.ready).toBe(true);
    expect(calls.flyer).toBe(1);
  });
});
