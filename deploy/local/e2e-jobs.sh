#!/usr/bin/env bash
# Drives the running system through its HTTP API so every dashboard panel has something to show:
# a refused upload (4xx), a job that succeeds, a job that is cancelled. Usage: e2e-jobs.sh BASE_URL
set -euo pipefail
base=$1
samples="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../samples" && pwd)"

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2" | head -1; }
submit() { # size iterations
  curl -fsS -X POST "$base/v1/jobs" -F "content=@$samples/content.png" -F "style=@$samples/style.png" \
    -F "options={\"size\":$1,\"iterations\":$2}"
}
wait_status() { # id, wanted regex, seconds
  local s deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    s=$(field status "$(curl -fsS "$base/v1/jobs/$1")")
    [[ $s =~ ^($2)$ ]] && { echo "job $1: $s"; return 0; }
    sleep 0.5
  done
  echo "job $1 did not reach $2 (last: $s)" >&2
  return 1
}

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/v1/jobs" -F "content=@$0;type=image/png" -F "style=@$samples/style.png")
echo "non-image upload answered $code"
[[ $code == 415 ]]

ok=$(field id "$(submit 64 12)")
wait_status "$ok" SUCCEEDED 300

slow=$(field id "$(submit 128 400)")
wait_status "$slow" 'RUNNING' 120
curl -fsS -o /dev/null -X DELETE "$base/v1/jobs/$slow"
wait_status "$slow" CANCELLED 120

# A phone photo: portrait pixels stored landscape, with EXIF orientation 6. Made here with the JDK alone (no binary
# in the repository); the worker must deliver a portrait result.
photo_dir=$(mktemp -d)
trap 'rm -rf "$photo_dir"' EXIT
cat >"$photo_dir/PhonePhoto.java" <<'JAVA'
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

public class PhonePhoto {
    public static void main(String[] args) throws Exception {
        BufferedImage stored = new BufferedImage(128, 64, BufferedImage.TYPE_INT_RGB); // landscape as stored
        for (int y = 0; y < 64; y++) for (int x = 0; x < 128; x++) stored.setRGB(x, y, (x * 2) << 16 | (y * 4) << 8);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(stored, "jpeg", jpeg);
        byte[] j = jpeg.toByteArray();
        byte[] exif = {(byte) 0xff, (byte) 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(j, 0, 2);
        out.write(exif);
        out.write(j, 2, j.length - 2);
        Files.write(Path.of(args[0]), out.toByteArray());
    }
}
JAVA
java "$photo_dir/PhonePhoto.java" "$photo_dir/phone.jpg"
photo=$(field id "$(curl -fsS -X POST "$base/v1/jobs" -F "content=@$photo_dir/phone.jpg;type=image/jpeg" \
  -F "style=@$samples/style.png" -F 'options={"size":64,"iterations":6}')")
wait_status "$photo" SUCCEEDED 300
curl -fsS -o "$photo_dir/result.png" "$base/v1/jobs/$photo/result?download=stream"
# PNG IHDR: width and height are the big-endian words at bytes 16 and 20
read -r w h < <(od -An -tu1 -j16 -N8 "$photo_dir/result.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
echo "orientation-6 photo (stored 128x64) came out ${w}x${h}"
((h > w))
