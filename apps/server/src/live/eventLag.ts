import { eventLagSeconds, msSinceStreamId } from "@atelier/telemetry";

/** Time from an event's append to the bus (its stream id's time) until this process starts handing it to its subscribers. */
export function observeEventLag(id: string): void {
  const lagMs = msSinceStreamId(id);
  if (lagMs !== undefined) eventLagSeconds.observe(lagMs / 1000);
}
