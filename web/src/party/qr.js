// The sign-in QR code of 三会一课: what it holds and how a phone reads it.
//
// The code holds a URL of the web UI, #/party/checkin?token=…, so that a phone's own camera
// app opens the sign-in page directly; the member's page can also scan it in the browser
// (BarcodeDetector where the browser has it, else jsQR over the camera's frames) or take
// the token typed.
import QRCode from 'qrcode';
import jsQR from 'jsqr';

// The URL a QR code holds for an activity's sign-in token.
export function checkinUrl(token) {
  const { origin, pathname } = window.location;
  return `${origin}${pathname}#/party/checkin?token=${encodeURIComponent(token)}`;
}

// Draws the QR code of text on a <canvas>.
export function drawQr(canvas, text) {
  return QRCode.toCanvas(canvas, text, { errorCorrectionLevel: 'M', margin: 2, width: 280 });
}

// The token in what a QR code held: a sign-in URL (its token parameter) or the bare token.
export function tokenOf(text) {
  const s = String(text || '').trim();
  const m = s.match(/[?&]token=([^&#\s]+)/);
  if (m) return decodeURIComponent(m[1]);
  return /^[0-9A-Za-z]{8,64}$/.test(s) ? s : '';
}

// Scans a <video> showing the camera until a QR code's token is found or stop() is called.
// Returns { stop }; onToken(token) is called once.
export async function scanVideo(video, onToken, onError) {
  let stopped = false;
  let stream = null;
  let detector = null;
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch { detector = null; }
  }
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const stop = () => {
    stopped = true;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  async function frame() {
    if (stopped) return;
    try {
      if (video.readyState >= 2 && video.videoWidth) {
        let text = '';
        if (detector) {
          const codes = await detector.detect(video);
          text = codes.length ? codes[0].rawValue : '';
        } else {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          ctx.drawImage(video, 0, 0);
          const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          const code = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
          text = code ? code.data : '';
        }
        const token = tokenOf(text);
        if (token && !stopped) {
          stop();
          onToken(token);
          return;
        }
      }
    } catch (e) {
      stop();
      onError(e);
      return;
    }
    setTimeout(frame, 200);
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (e) {
    onError(e);
    return { stop };
  }
  if (stopped) { stop(); return { stop }; }
  video.srcObject = stream;
  await video.play().catch(() => {});
  frame();
  return { stop };
}
