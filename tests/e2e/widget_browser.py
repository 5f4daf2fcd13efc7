"""End-to-end test of the click-to-segment widget in a real browser.

Starts JupyterLab on 127.0.0.1 (a free port, no token, everything under a temporary folder), opens a notebook that
shows a `SegmentWidget` (image 160 x 120 shown at 320 px wide, a predictor double whose mask is a disc (radius 20) around the
last foreground point or the box's centre), runs it, and with Debian's Chromium driven by Playwright:
clicks on image pixel (100, 40) and checks that the mask drawn in the page is centred on that pixel, right-clicks
on (130, 90) and checks a background star is drawn there (and no JupyterLab context menu opened), then drags a box
and checks the mask moved to the box's centre. Skipped (reported with `mobilesam_nb.testing.skip`) where
`/usr/bin/chromium` or the `playwright` package is missing. Exit code 0 when passed or skipped, 1 on failure.

Usage: python tests/e2e/widget_browser.py
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from mobilesam_nb.testing import skip  # noqa: E402

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-dev-shm-usage']
CHECK = 'browser test of the click-to-segment widget'
IMAGE_W, IMAGE_H, DISPLAY_W = 160, 120, 320

NOTEBOOK_CELLS = [f'''
import numpy as np
from mobilesam_nb.widgets import SegmentWidget

class DiscPredictor:
    "Mask = a disc of radius 20 around the last foreground point (or the box's centre)."
    def set_image(self, image): self.hw = image.shape[:2]
    def predict(self, point_coords=None, point_labels=None, box=None, mask_input=None, multimask_output=True):
        cx, cy = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box is not None else point_coords[point_labels == 1][-1]
        yy, xx = np.mgrid[:self.hw[0], :self.hw[1]]
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 <= 400
        return np.stack([disc] * 3), np.array([0.5, 0.9, 0.7]), np.zeros((3, 16, 16), np.float32)

widget = SegmentWidget(DiscPredictor(), np.full(({IMAGE_H}, {IMAGE_W}, 3), 60, np.uint8), display_width={DISPLAY_W})
widget''']

KERNEL_READY = '''() => {
  const app = window.jupyterapp; const panel = app && app.shell.currentWidget;
  const ctx = panel && panel.sessionContext; const kernel = ctx && ctx.session && ctx.session.kernel;
  return !!(ctx && ctx.isReady && kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle');
}'''

# Centroid (x, y) and count of the mask's pixels in the picture the page shows (blended blue: b well above r and g),
# read by drawing the <img> onto a canvas at its natural size.
MASK_CENTROID = '''() => {
  const img = document.querySelector('img.widget-image');
  if (!img || !img.complete || !img.naturalWidth) return null;
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0, sx = 0, sy = 0;
  for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
    const i = 4 * (y * c.width + x);
    if (d[i + 2] > d[i] + 40 && d[i + 2] > d[i + 1] + 10) { n++; sx += x; sy += y; }
  }
  return n ? [sx / n, sy / n, n] : [null, null, 0];
}'''


def missing() -> str | None:
    "Why the test cannot run here, or None."
    if not Path(CHROMIUM).exists(): return f'{CHROMIUM} not found (apt-get install -y chromium)'
    try: import playwright.sync_api  # noqa: F401
    except ImportError: return 'the playwright package is not installed (pip install playwright; never `playwright install`)'
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def write_notebook(path: Path):
    cells = [{'cell_type': 'code', 'execution_count': None, 'metadata': {}, 'outputs': [], 'source': src.strip()} for src in NOTEBOOK_CELLS]
    nb = {'cells': cells, 'nbformat': 4, 'nbformat_minor': 5,
          'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}}
    path.write_text(json.dumps(nb))


def start_lab(tmp: Path, port: int) -> subprocess.Popen:
    "JupyterLab on 127.0.0.1:port in its own process group, with HOME, runtime, config and cache under `tmp`."
    home, root = tmp/'home', tmp/'root'
    settings = home/'.jupyter'/'lab'/'user-settings'/'@jupyterlab'/'apputils-extension'
    settings.mkdir(parents=True); root.mkdir()
    (settings/'notification.jupyterlab-settings').write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))
    write_notebook(root/'widget.ipynb')
    env = {**os.environ, 'HOME': str(home), 'JUPYTER_RUNTIME_DIR': str(tmp/'runtime'), 'XDG_CONFIG_HOME': str(tmp/'config'),
           'XDG_CACHE_HOME': str(tmp/'cache'), 'JUPYTERLAB_SETTINGS_DIR': str(home/'.jupyter'/'lab'/'user-settings'),
           'PYTHONPATH': os.pathsep.join([str(ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]),
           'OMP_NUM_THREADS': '1'}
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}',
           '--IdentityProvider.token=', '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True',
           '--ServerApp.allow_root=True', f'--ServerApp.root_dir={root}', '--LabApp.expose_app_in_browser=True']
    with open(tmp/'lab.log', 'w') as log:  # the server keeps its own copy of the file descriptor
        return subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_server(base: str, proc: subprocess.Popen, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None: raise RuntimeError(f'jupyter lab exited with code {proc.returncode}')
        try:
            with urllib.request.urlopen(f'{base}/api/status', timeout=2): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f'jupyter lab did not answer on {base} within {timeout} s')


def stop_lab(base: str, proc: subprocess.Popen):
    "Shut the server (and its kernels) down through its API, then make sure its process group is gone."
    try: urllib.request.urlopen(urllib.request.Request(f'{base}/api/shutdown', method='POST'), timeout=5)
    except OSError: pass
    try: proc.wait(timeout=15)
    except subprocess.TimeoutExpired: pass
    try: os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError: pass
    proc.wait()


def wait_mask(page, previous=None, timeout: float = 30) -> list:
    "The mask's centroid once the picture shows a mask (different from `previous`)."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = page.evaluate(MASK_CENTROID)
        if got and got[2] and got != previous: return got
        time.sleep(0.2)
    raise TimeoutError(f'no (new) mask drawn within {timeout} s (last read: {got})')


PIXEL = '''([x, y]) => {
  const img = document.querySelector('img.widget-image');
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
  return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
}'''


def wait_pixel(page, x: int, y: int, rgb: tuple, timeout: float = 30) -> list:
    "The picture's pixel (x, y) once it has colour `rgb` (or the last value read after `timeout`)."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = page.evaluate(PIXEL, [x, y])
        if tuple(got) == tuple(rgb): return got
        time.sleep(0.2)
    return got


def drive(base: str) -> dict:
    "Open the notebook, run it, click, right-click and drag on the picture; what the page then shows."
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            page.goto(f'{base}/lab/tree/widget.ipynb')
            page.wait_for_function(KERNEL_READY, timeout=90_000, polling=250)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            img = page.locator('img.widget-image')
            img.wait_for(state='visible', timeout=60_000)
            img.scroll_into_view_if_needed()
            page.wait_for_function("() => document.querySelector('img.widget-image').naturalWidth > 0", timeout=30_000)
            box = img.bounding_box()
            scale = box['width'] / IMAGE_W
            at = lambda x, y: (round(box['x'] + (x + 0.5) * scale), round(box['y'] + (y + 0.5) * scale))
            page.mouse.click(*at(100, 40))
            click = wait_mask(page)
            page.mouse.click(*at(130, 90), button='right')
            right = wait_pixel(page, 130, 90, (215, 25, 28))  # the background star's red, at the right-clicked pixel
            lab_menus = page.locator('.lm-Menu').count()  # JupyterLab's own context menu must not open over the image
            page.mouse.move(*at(20, 60)); page.mouse.down()
            page.mouse.move(*at(40, 80), steps=5); page.mouse.move(*at(60, 100), steps=5); page.mouse.up()
            dragged = wait_mask(page, previous=click)
            return {'display_scale': scale, 'click': click, 'right_click_pixel': right, 'lab_menus': lab_menus, 'drag': dragged}
        finally:
            browser.close()


def run() -> dict:
    tmp = Path(tempfile.mkdtemp(prefix='mobilesam_e2e_'))
    port = free_port(); base = f'http://127.0.0.1:{port}'
    proc = start_lab(tmp, port)
    try:
        wait_for_server(base, proc)
        return drive(base)
    except Exception:
        print((tmp/'lab.log').read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        stop_lab(base, proc)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    if reason := missing():
        skip(CHECK, reason); return 0
    t0 = time.monotonic()
    result = run()
    (cx, cy, n), (bx, by, nb) = result['click'], result['drag']
    area = sum(x * x + y * y <= 400 for x in range(-20, 21) for y in range(-20, 21))  # the disc's pixels
    problems = []
    if abs(cx - 100) > 0.5 or abs(cy - 40) > 0.5: problems.append(f'click at pixel (100, 40) drew a mask centred on ({cx:.2f}, {cy:.2f})')
    if not 0.7 * area <= n <= area: problems.append(f'the mask shows {n} pixels, expected a disc of {area} less the star over it')
    if result['right_click_pixel'] != [215, 25, 28]: problems.append(f"right click at (130, 90): pixel is {result['right_click_pixel']}, not the background star's red")
    if result['lab_menus']: problems.append('the right click opened a JupyterLab context menu over the image')
    if abs(bx - 40) > 0.5 or abs(by - 80) > 0.5: problems.append(f'box (20, 60)-(60, 100) drew a mask centred on ({bx:.2f}, {by:.2f}), expected (40, 80)')
    if not 0.95 * area <= nb <= area: problems.append(f'the mask after the box shows {nb} pixels, expected about {area}')
    for p in problems: print(f'FAIL: {p}')
    if not problems:
        print(f'passed: {CHECK}: display scale {result["display_scale"]:.2f}, mask of {n} px centred on ({cx:.2f}, {cy:.2f}) after a click '
              f'at (100, 40), background star at (130, 90), {nb} px on ({bx:.2f}, {by:.2f}) after a box centred on (40, 80)')
        print(f'({time.monotonic() - t0:.0f} s)', file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
