import { useEffect, useRef, useState } from "react";

/**
 * A GLB in a three.js scene with orbit controls (drag to turn, wheel to zoom). three.js is loaded
 * only when a model is shown, so pages without one do not pay for it.
 */
export function ModelViewer({ url, label }: { url: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let disposed = false;
    let cleanup = () => {};
    void (async () => {
      const THREE = await import("three");
      const { OrbitControls } = await import("three/examples/jsm/controls/OrbitControls.js");
      const { GLTFLoader } = await import("three/examples/jsm/loaders/GLTFLoader.js");
      if (disposed) return;
      const width = element.clientWidth || 360;
      const height = 320;
      const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
      renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
      renderer.setSize(width, height);
      renderer.setClearColor(0xf3f1ed);
      element.append(renderer.domElement);
      const scene = new THREE.Scene();
      scene.add(new THREE.HemisphereLight(0xffffff, 0x8d8a84, 2.2));
      const sun = new THREE.DirectionalLight(0xffffff, 1.6);
      sun.position.set(-1, 2, 2);
      scene.add(sun);
      const camera = new THREE.PerspectiveCamera(35, width / height, 0.001, 100);
      const controls = new OrbitControls(camera, renderer.domElement);
      controls.enableDamping = true;
      let frame = 0;
      const tick = () => {
        controls.update();
        renderer.render(scene, camera);
        frame = requestAnimationFrame(tick);
      };
      cleanup = () => {
        cancelAnimationFrame(frame);
        controls.dispose();
        renderer.dispose();
        renderer.domElement.remove();
      };
      try {
        const gltf = await new GLTFLoader().loadAsync(url);
        if (disposed) return cleanup();
        scene.add(gltf.scene);
        // Frame the model: look at its centre from the front and a little above.
        const box = new THREE.Box3().setFromObject(gltf.scene);
        const centre = box.getCenter(new THREE.Vector3());
        const size = box.getSize(new THREE.Vector3()).length();
        camera.position.set(centre.x + size * 0.7, centre.y + size * 0.45, centre.z + size * 1.5);
        camera.near = size / 100;
        camera.far = size * 10;
        camera.updateProjectionMatrix();
        controls.target.copy(centre);
        tick();
        element.dataset.state = "ready";
        setState("ready");
      } catch {
        element.dataset.state = "failed";
        setState("failed");
      }
    })();
    return () => {
      disposed = true;
      cleanup();
    };
  }, [url]);
  return (
    <div className="model-viewer" ref={host} role="img" aria-label={label} data-state={state}>
      {state === "loading" && <span className="muted">Loading the 3D model…</span>}
      {state === "failed" && <span className="form-error">The 3D model could not be shown.</span>}
    </div>
  );
}
