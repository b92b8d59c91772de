import { type Browser, chromium } from "playwright-core";

/**
 * The system Chromium (Debian package); Playwright's own browser download is not used. `webgl` keeps
 * WebGL on through SwiftShader, the CPU renderer, for pages that draw 3D (there is no GPU here).
 */
export function launchChromium(opts: { webgl?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      ...(opts.webgl ? ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] : ["--disable-gpu"]),
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
