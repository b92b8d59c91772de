/**
 * A store-only ZIP writer (no compression: outputs are PNG/JPEG/WebP, already compressed).
 * Enough for "Download all": UTF-8 names, CRC-32, sizes under 4 GiB, no ZIP64. Entries are regular
 * files with Unix mode 0644 and their modification time (DOS time plus the UTC "UT" extra field), so
 * unzip run by anyone gives readable files with the right dates.
 */

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  modified?: Date;
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Names made unique inside the archive: "a.png", "a (2).png", … */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    const name = raw.replace(/^[/\\]+/, "").replace(/\.\.(?=[/\\]|$)/g, "_") || "file";
    let candidate = name;
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let n = 2; seen.has(candidate); n++) candidate = `${stem} (${n})${ext}`;
    seen.add(candidate);
    return candidate;
  });
}

/** S_IFREG | rw-r--r--, in the high half of the external attributes as Unix zip tools read it. */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

/** The "UT" extended timestamp extra field: flags (mtime present) and the mtime in Unix seconds. */
function extendedTimestamp(modified: Date): Uint8Array {
  const field = new DataView(new ArrayBuffer(9));
  field.setUint16(0, 0x5455, true);
  field.setUint16(2, 5, true);
  field.setUint8(4, 1);
  field.setUint32(5, Math.max(0, Math.floor(modified.getTime() / 1000)), true);
  return new Uint8Array(field.buffer);
}

export function createZip(entries: ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = uniqueNames(entries.map((e) => e.name)).map((n) => encoder.encode(n));
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    const name = names[i]!;
    const crc = crc32(entry.data);
    const modified = entry.modified ?? new Date();
    const [time, date] = dosDateTime(modified);
    const extra = extendedTimestamp(modified);
    const size = entry.data.length;

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed: 2.0
    local.setUint16(6, 0x0800, true); // names are UTF-8
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, size, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, extra.length, true);
    locals.push(new Uint8Array(local.buffer), name, extra, entry.data);

    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 0x0314, true); // made by: Unix, 2.0 (so unzip does not read names as CP437)
    central.setUint16(6, 20, true);
    central.setUint16(8, 0x0800, true);
    central.setUint16(10, 0, true);
    central.setUint16(12, time, true);
    central.setUint16(14, date, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, size, true);
    central.setUint32(24, size, true);
    central.setUint16(28, name.length, true);
    central.setUint16(30, extra.length, true);
    // comment length, disk number, internal attributes: zero
    central.setUint32(38, UNIX_FILE_0644, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name, extra);
    offset += 30 + name.length + extra.length + size;
  });
  const centralSize = centrals.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return concat([...locals, ...centrals, new Uint8Array(end.buffer)]);
}

function dosDateTime(d: Date): [number, number] {
  const year = Math.max(1980, d.getFullYear());
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
