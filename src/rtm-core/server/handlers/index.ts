/** The dispatch table: request type → handler. */

import { RenewTokenError } from '../../protocol/codes';
import type { HandlerTable } from './context';
import { takeRate } from './context';
import { cattr, cattrGet, uattr, uattrGet } from './attributes';
import { chmsg, chmsgOut, counts, join, leave, members, membersOut } from './channel';
import { legacyCounts, legacyUattr, legacyUattrGet } from './legacy';
import { peer } from './peer';
import { query, sub, unsub } from './presence';

export const handlers: HandlerTable = {
  renew: (ctx, req) => {
    takeRate(ctx, 'renew', RenewTokenError.TOO_OFTEN);
    ctx.core.renewToken(ctx.session, req.token);
    return Promise.resolve(null);
  },
  peer,
  join,
  leave,
  chmsg,
  members,
  counts,
  query,
  sub,
  unsub,
  uattr,
  uattrGet,
  cattr,
  cattrGet,
  chmsgOut,
  membersOut,
  legacyCounts,
  legacyUattr,
  legacyUattrGet,
};
