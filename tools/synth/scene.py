"""Camera model and the software-OpenGL renderer (moderngl, EGL) of a plain room + body.

World axes: metres, Z up, floor z = 0. Camera axes (OpenCV / MediaPipe image): x right,
y down, z forward (away from the camera). Pixels: x right, y down, (0, 0) is the top-left
corner of the top-left pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    """Pinhole camera. ``fov_deg`` is the vertical field of view."""

    position: tuple[float, float, float]
    look_at: tuple[float, float, float]
    fov_deg: float
    width: int = 640
    height: int = 480
    description: str = ""

    @property
    def rotation(self) -> np.ndarray:
        """World->camera rotation (3, 3); rows are the camera x (right), y (down), z
        (forward) axes in world coordinates."""
        z = np.subtract(self.look_at, self.position).astype(float)
        z /= np.linalg.norm(z)
        x = np.cross(z, (0.0, 0.0, 1.0))
        x /= np.linalg.norm(x)
        y = np.cross(z, x)
        return np.stack([x, y, z])

    @property
    def focal_px(self) -> float:
        """Focal length in pixels (square pixels)."""
        return 0.5 * self.height / np.tan(np.radians(self.fov_deg) / 2)

    def to_camera(self, p: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> camera-axis coordinates (..., 3), metres."""
        return (np.asarray(p) - np.asarray(self.position)) @ self.rotation.T

    def project(self, p: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> pixel coordinates (..., 2), x right, y down."""
        c = self.to_camera(p)
        f = self.focal_px
        u = f * c[..., 0] / c[..., 2] + self.width / 2
        v = f * c[..., 1] / c[..., 2] + self.height / 2
        return np.stack([u, v], axis=-1)

    def gl_matrix(self, near: float = 0.05, far: float = 30.0) -> np.ndarray:
        """OpenGL clip-from-world matrix (4, 4), row-major, consistent with ``project``."""
        view = np.eye(4)
        r = np.diag([1.0, -1.0, -1.0]) @ self.rotation  # GL camera: y up, looks down -z
        view[:3, :3] = r
        view[:3, 3] = -r @ np.asarray(self.position, dtype=float)
        f = 1.0 / np.tan(np.radians(self.fov_deg) / 2)
        aspect = self.width / self.height
        proj = np.zeros((4, 4))
        proj[0, 0] = f / aspect
        proj[1, 1] = f
        proj[2, 2] = (far + near) / (near - far)
        proj[2, 3] = 2 * far * near / (near - far)
        proj[3, 2] = -1.0
        return proj @ view


_VS = """
#version 330
uniform mat4 mvp;
uniform vec3 light_dir;      // direction the key light travels (world)
uniform int shadow;          // 1: flatten onto the floor along light_dir
in vec3 in_pos;
in vec3 in_nrm;
in vec3 in_col;
out vec3 v_nrm;
out vec3 v_col;
out vec3 v_pos;
void main() {
    vec3 p = in_pos;
    if (shadow == 1) {
        float t = (p.z - 0.002) / max(-light_dir.z, 1e-3);
        p = p + t * light_dir;
        p.z = 0.002;
    }
    v_pos = p;
    v_nrm = in_nrm;
    v_col = in_col;
    gl_Position = mvp * vec4(p, 1.0);
}
"""

_FS = """
#version 330
uniform vec3 light_dir;
uniform vec3 cam_pos;
uniform int shadow;
uniform vec3 wall_n;    // wall normal, pointing into the room
uniform vec3 wall_p;    // a point on the wall
in vec3 v_nrm;
in vec3 v_col;
in vec3 v_pos;
out vec4 f_color;
void main() {
    if (shadow == 1) {
        if (dot(v_pos - wall_p, wall_n) < 0.0) discard;
        f_color = vec4(0.0, 0.0, 0.0, 0.28);
        return;
    }
    vec3 n = normalize(v_nrm);
    vec3 v = normalize(cam_pos - v_pos);
    if (dot(n, v) < 0.0) n = -n;
    vec3 l = normalize(-light_dir);
    float key = max(dot(n, l), 0.0);
    float fill = max(dot(n, v), 0.0);
    float hemi = 0.5 + 0.5 * n.z;
    vec3 h = normalize(l + v);
    float spec = pow(max(dot(n, h), 0.0), 24.0) * 0.08;
    vec3 lin = pow(v_col, vec3(2.2));
    vec3 c = lin * (0.55 * key + 0.30 * fill + 0.22 * hemi) + spec;
    f_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
"""


def vertex_normals(v: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (V, 3) of a triangle mesh."""
    fn = np.cross(v[faces[:, 1]] - v[faces[:, 0]], v[faces[:, 2]] - v[faces[:, 0]])
    n = np.zeros_like(v)
    for k in range(3):
        for d in range(3):
            n[:, d] += np.bincount(faces[:, k], weights=fn[:, d], minlength=len(v))
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Room:
    """A floor (z = 0) and a back wall facing the camera, ``wall_dist`` metres behind the
    camera's look-at point along the horizontal viewing direction. Colours sRGB 0..1."""

    wall_dist: float = 1.2
    floor_rgb: tuple[float, float, float] = (0.62, 0.58, 0.52)
    wall_rgb: tuple[float, float, float] = (0.80, 0.77, 0.71)
    half_width: float = 8.0


class Renderer:
    """Renders frames of one clip: the room is static, the body mesh changes per frame."""

    def __init__(self, camera: Camera, room: Room, faces: np.ndarray, colors: np.ndarray):
        import moderngl

        self.cam = camera
        self.ctx = moderngl.create_standalone_context(backend="egl")
        self.ctx.enable(moderngl.DEPTH_TEST)
        w, h = camera.width, camera.height
        self.fbo = self.ctx.framebuffer(
            color_attachments=[self.ctx.renderbuffer((w, h), samples=4)],
            depth_attachment=self.ctx.depth_renderbuffer((w, h), samples=4),
        )
        self.fbo_out = self.ctx.simple_framebuffer((w, h))
        self.prog = self.ctx.program(vertex_shader=_VS, fragment_shader=_FS)
        # Key light from above, behind and left of the camera (direction it travels).
        rot = camera.rotation
        self.light = 0.45 * rot[2] + 0.30 * rot[0] + np.array([0.0, 0.0, -0.80])
        self.light /= np.linalg.norm(self.light)
        self.prog["mvp"].write(camera.gl_matrix().T.astype("f4").tobytes())
        self.prog["light_dir"].value = tuple(self.light)
        self.prog["cam_pos"].value = tuple(float(x) for x in camera.position)
        view = np.subtract(camera.look_at, camera.position)[:2]
        view = view / np.linalg.norm(view)
        self.wall_n = np.array([-view[0], -view[1], 0.0])
        self.wall_p = np.array([*camera.look_at[:2], 0.0]) - room.wall_dist * self.wall_n
        self.prog["wall_n"].value = tuple(self.wall_n)
        self.prog["wall_p"].value = tuple(self.wall_p)
        self.room_vao = self._room_vao(room)
        self.faces = faces.astype("i4")
        self.colors = colors.astype("f4")
        self.nv = len(colors)
        self.vbo = self.ctx.buffer(reserve=self.nv * 9 * 4)
        ibo = self.ctx.buffer(self.faces.tobytes())
        self.body_vao = self.ctx.vertex_array(
            self.prog, [(self.vbo, "3f 3f 3f", "in_pos", "in_nrm", "in_col")], ibo
        )

    def _room_vao(self, room: Room):  # noqa: ANN202 - moderngl VertexArray
        """Floor and wall as fine grids so per-vertex colours give soft shading."""
        tris: list[np.ndarray] = []
        hw = room.half_width
        n = 24
        # Room frame: u along the wall (horizontal), w from the wall toward the camera.
        w = self.wall_n
        u = np.array([-w[1], w[0], 0.0])
        p0 = self.wall_p

        def grid(
            origin: np.ndarray,
            du: np.ndarray,
            dv: np.ndarray,
            nrm: np.ndarray,
            rgb: tuple[float, float, float],
            shade,
        ) -> None:  # noqa: ANN001
            for i in range(n):
                for j in range(n):
                    quad = []
                    for a, b in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)):
                        p = origin + du * a / n + dv * b / n
                        s = shade(a / n, b / n)
                        quad.append(np.concatenate([p, nrm, np.clip(np.array(rgb) * s, 0, 1)]))
                    tris.extend([quad[0], quad[1], quad[2], quad[0], quad[2], quad[3]])

        # Floor: from the wall to well behind the camera; lighter near the wall.
        grid(
            p0 - hw * u,
            2 * hw * u,
            2 * hw * w,
            np.array([0, 0, 1.0]),
            room.floor_rgb,
            lambda a, b: 1.04 - 0.14 * b - 0.10 * abs(a - 0.5),
        )
        # Wall: 4 m high, darker toward the top and the sides.
        grid(
            p0 - hw * u,
            2 * hw * u,
            np.array([0, 0, 4.0]),
            w,
            room.wall_rgb,
            lambda a, b: 1.0 - 0.18 * b - 0.12 * abs(a - 0.5),
        )
        data = np.array(tris, dtype="f4")
        vbo = self.ctx.buffer(data.tobytes())
        return self.ctx.vertex_array(self.prog, [(vbo, "3f 3f 3f", "in_pos", "in_nrm", "in_col")])

    def render(self, vertices: np.ndarray) -> np.ndarray:
        """Render one frame with the body at ``vertices`` (V, 3) world metres.

        Returns an RGB uint8 image (H, W, 3), row 0 at the top.
        """
        import moderngl

        nrm = vertex_normals(vertices, self.faces)
        data = np.concatenate([vertices, nrm, self.colors], axis=1).astype("f4")
        self.vbo.write(data.tobytes())
        self.fbo.use()
        self.fbo.clear(0.7, 0.7, 0.7, 1.0)
        self.prog["shadow"].value = 0
        self.room_vao.render(moderngl.TRIANGLES)
        # Soft planar shadow of the body on the floor.
        self.ctx.enable(moderngl.BLEND)
        self.ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
        self.ctx.depth_mask = False
        self.prog["shadow"].value = 1
        self.body_vao.render(moderngl.TRIANGLES)
        self.ctx.depth_mask = True
        self.ctx.disable(moderngl.BLEND)
        self.prog["shadow"].value = 0
        self.body_vao.render(moderngl.TRIANGLES)
        self.ctx.copy_framebuffer(self.fbo_out, self.fbo)
        w, h = self.cam.width, self.cam.height
        img = np.frombuffer(self.fbo_out.read(components=3), dtype=np.uint8).reshape(h, w, 3)
        return img[::-1].copy()

    def release(self) -> None:
        """Free the GL context."""
        self.ctx.release()
