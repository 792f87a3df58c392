/*
 * blurvideo_native.h — the flat C ABI of libblurvideo_native.so, BlurVideo's OpenCV shim: video capture and the
 * per-frame kernels (network input, optical-flow alignment, overlays, map resizing, in-focus regions). Image files
 * and video writing go through OpenCvSharp, not here.
 *
 * Conventions (they hold for every function below unless its comment says otherwise):
 *  - Every function returns a bv_status. BV_OK means success; any other value means the call had no
 *    effect on its output arguments except where stated, and bv_last_error_message() describes why.
 *  - No C++ exception ever leaves this library: each export runs inside one catch-all wrapper that turns
 *    exceptions into a status and a message.
 *  - Handles are opaque. A handle is created by its *_open / *_create function and released by its
 *    *_destroy function (passing NULL to *_destroy is a no-op returning BV_OK). A handle is NOT thread-safe:
 *    use each one from one thread at a time. Different handles are independent and may be used concurrently.
 *  - Buffers are always provided by the caller; the library never returns memory the caller must free and
 *    never keeps a pointer to a caller buffer after the call returns. Each buffer comes with its size in
 *    bytes, which the library checks against width, height and stride before touching it.
 *  - Images are row-major. "stride" is the distance in BYTES between the starts of two rows (for float
 *    maps too). BGR8 = 3 interleaved uint8 channels in B, G, R order; GRAY8 = 1 uint8 channel;
 *    float maps = 1 float32 channel.
 *  - Blur maps are float32 in [0, 1] with 1 = blurred (the project's contract).
 *  - Strings are UTF-8, NUL-terminated.
 */
#ifndef BLURVIDEO_NATIVE_H
#define BLURVIDEO_NATIVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define BV_API __declspec(dllexport)
#else
#define BV_API __attribute__((visibility("default")))
#endif

/* Incremented whenever a signature or a struct in this header changes. */
#define BV_ABI_VERSION 2

typedef enum bv_status {
    BV_OK = 0,
    BV_INVALID_ARGUMENT = 1, /* NULL pointer, bad size/stride, buffer too small, unsupported option */
    BV_NOT_FOUND = 2,        /* file missing, camera or stream cannot be opened */
    BV_END_OF_STREAM = 3,    /* a finite source has no more frames; not an error condition */
    BV_IO_ERROR = 4,         /* codec or I/O failure: undecodable file, encoder unavailable, write failed */
    BV_OPENCV_ERROR = 5,     /* OpenCV raised cv::Exception */
    BV_UNKNOWN = 6           /* any other failure (including out of memory) */
} bv_status;

/*
 * The message of the last failed call on the calling thread, or "" if the last call on this thread
 * succeeded. Never NULL. The pointer stays valid until the next call into this library on the same
 * thread. This is the one function that does not return a bv_status.
 */
BV_API const char* bv_last_error_message(void);

/* Writes BV_ABI_VERSION of the compiled library into *version. */
BV_API int32_t bv_get_abi_version(int32_t* version);

/* ------------------------------------------------------------------------------------------------ */
/* Video source                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

typedef struct bv_video_source bv_video_source;

typedef enum bv_source_kind {
    BV_SOURCE_FILE = 0,     /* a video file, read with the FFmpeg backend */
    BV_SOURCE_CAMERA = 1,   /* a V4L2 camera by index ("0") or device path ("/dev/video0") */
    BV_SOURCE_NETWORK = 2,  /* rtsp://, rtsps://, rtmp://, http://, https://, udp://, tcp:// via FFmpeg */
    BV_SOURCE_SEQUENCE = 3  /* a printf-style image sequence pattern ("frames/%04d.png") */
} bv_source_kind;

/* Optional settings for bv_video_source_open. Zero-initialised means "backend default" everywhere. */
typedef struct bv_source_options {
    int32_t open_timeout_ms;  /* network sources only */
    int32_t read_timeout_ms;  /* network sources only */
    int32_t camera_width;     /* cameras only: requested capture size (the driver may choose another) */
    int32_t camera_height;
    double camera_fps;        /* cameras only: requested frame rate */
} bv_source_options;

/* Properties of an open source. */
typedef struct bv_video_info {
    int32_t width;        /* pixels of every frame read (BGR8) */
    int32_t height;
    double fps;           /* frames per second as announced by the source; 0 if unknown */
    int64_t frame_count;  /* frames announced by the container; -1 if unknown or live */
    int32_t kind;         /* a bv_source_kind */
    int32_t is_live;      /* 1 for cameras and network streams, 0 for files and sequences */
} bv_video_info;

/* Describes the frame a successful bv_video_source_read delivered. */
typedef struct bv_frame_info {
    int64_t index;        /* 0-based number of the frame within this handle's lifetime */
    double timestamp_ms;  /* the source's presentation time of the frame; for sources without one,
                             index * 1000 / fps, or if fps is unknown the milliseconds since opening */
} bv_frame_info;

/*
 * Opens a video source. `uri` is interpreted in this order:
 *   all decimal digits            -> camera index (V4L2)
 *   starts with "/dev/video"      -> camera device path (V4L2)
 *   "scheme://..." (see kinds)    -> network stream (FFmpeg)
 *   contains '%'                  -> image sequence
 *   anything else                 -> file path (FFmpeg); a missing file is BV_NOT_FOUND,
 *                                    an existing file that cannot be decoded is BV_IO_ERROR.
 * `options` may be NULL. The first frame's size must be known after opening (a source that reports
 * no size is BV_IO_ERROR). On success *source receives a new handle owned by the caller.
 */
BV_API int32_t bv_video_source_open(const char* uri, const bv_source_options* options, bv_video_source** source);

/* Fills *info. Width and height are fixed for the handle's lifetime. */
BV_API int32_t bv_video_source_get_info(const bv_video_source* source, bv_video_info* info);

/*
 * Reads the next frame and stores it as BGR8 in the caller's buffer, which must be exactly the
 * source's width x height (stride >= width * 3, buffer_size >= (height - 1) * stride + width * 3).
 * Grey or 4-channel frames are converted to BGR8. `frame` may be NULL.
 * Returns BV_END_OF_STREAM when a file or sequence has no more frames (also for a truncated file: the
 * frames before the damage are delivered, then the stream ends); a live source that stops delivering is
 * BV_IO_ERROR. A frame whose size differs from the source's announced size is BV_IO_ERROR.
 * Blocks until a frame is available (for live sources: up to the read timeout).
 */
BV_API int32_t bv_video_source_read(bv_video_source* source, uint8_t* bgr, int64_t buffer_size, int32_t width,
                                    int32_t height, int32_t stride, bv_frame_info* frame);

/* Index of the next frame bv_video_source_read will deliver and the timestamp (ms) of the last one read. */
BV_API int32_t bv_video_source_get_position(const bv_video_source* source, int64_t* next_index,
                                            double* last_timestamp_ms);

/* Closes the source and frees the handle. */
BV_API int32_t bv_video_source_destroy(bv_video_source* source);

/* ------------------------------------------------------------------------------------------------ */
/* Preprocessing (network input)                                                                     */
/* ------------------------------------------------------------------------------------------------ */

typedef struct bv_preprocessor bv_preprocessor;

/*
 * Creates a preprocessor for a network input of input_width x input_height (> 0) with per-channel
 * mean[3] and std[3] in R, G, B order (std > 0), as in the model card.
 */
BV_API int32_t bv_preprocessor_create(int32_t input_width, int32_t input_height, const float* mean,
                                      const float* std, bv_preprocessor** preprocessor);

/*
 * A BGR8 frame of any size into the network input: OpenCV's bilinear resize of the 8-bit frame to the input size
 * (INTER_LINEAR, as the training code's evaluation does), then in one pass BGR -> RGB, v / 255,
 * (v - mean[c]) / std[c], and planar CHW layout into `tensor`, which must hold at least
 * 3 * input_width * input_height floats (tensor_length counts floats): tensor[c * H * W + y * W + x].
 * No memory is allocated per call.
 */
BV_API int32_t bv_preprocessor_run(bv_preprocessor* preprocessor, const uint8_t* bgr, int64_t buffer_size,
                                   int32_t width, int32_t height, int32_t stride, float* tensor,
                                   int64_t tensor_length);

BV_API int32_t bv_preprocessor_destroy(bv_preprocessor* preprocessor);

/* ------------------------------------------------------------------------------------------------ */
/* Float maps                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

/*
 * Bilinear resize (OpenCV INTER_LINEAR) of a float map into a caller map of another size.
 * Source and destination must not overlap. Thread-safe (no state).
 */
BV_API int32_t bv_map_resize(const float* source, int64_t source_size, int32_t source_width, int32_t source_height,
                             int32_t source_stride, float* destination, int64_t destination_size,
                             int32_t destination_width, int32_t destination_height, int32_t destination_stride);

/* ------------------------------------------------------------------------------------------------ */
/* Temporal alignment (motion compensation for smoothing)                                            */
/* ------------------------------------------------------------------------------------------------ */

typedef struct bv_temporal_aligner bv_temporal_aligner;

typedef enum bv_flow_preset {
    BV_FLOW_ULTRAFAST = 0, /* OpenCV DISOpticalFlow presets */
    BV_FLOW_FAST = 1,
    BV_FLOW_MEDIUM = 2
} bv_flow_preset;

typedef struct bv_alignment {
    int32_t aligned;       /* 1 if the previous map was warped by the flow; 0 if there was no previous
                              frame (first frame or after reset), in which case the map was copied */
    float scene_change;    /* mean |gray(t) - gray(t-1)| / 255 at the flow working size, in [0, 1];
                              0 when aligned == 0. Large values (e.g. > 0.25) suggest a scene cut. */
    float mean_motion;     /* mean flow magnitude in map pixels; 0 when aligned == 0 */
} bv_alignment;

/*
 * Creates an aligner for blur maps of map_width x map_height. Optical flow (OpenCV DIS) is computed
 * on grey frames downsampled to flow_width x flow_height (pass 0, 0 to use the map size), then scaled
 * to the map size. `preset` is a bv_flow_preset. All buffers are allocated here, not per frame.
 */
BV_API int32_t bv_temporal_aligner_create(int32_t map_width, int32_t map_height, int32_t flow_width,
                                          int32_t flow_height, int32_t preset, bv_temporal_aligner** aligner);

/*
 * Takes the new BGR8 frame (any size; it is downsampled internally) and warps `previous_map` (the
 * smoothed map of the previous frame, map size) to the new frame's geometry into `warped_map`
 * (map size): warped(x, y) = previous(x + u, y + v), where (u, v) is the flow from the new frame back
 * to the previous frame; samples outside the map repeat the border. The new frame becomes the
 * reference for the next call. `previous_map` and `warped_map` must not overlap. If the aligner has
 * no previous frame, the map is copied unchanged and alignment->aligned = 0.
 * A frame size different from the previous call's is treated like a reset.
 */
BV_API int32_t bv_temporal_aligner_align(bv_temporal_aligner* aligner, const uint8_t* bgr, int64_t buffer_size,
                                         int32_t width, int32_t height, int32_t stride, const float* previous_map,
                                         int64_t previous_size, float* warped_map, int64_t warped_size,
                                         int32_t map_stride, bv_alignment* alignment);

/* Forgets the previous frame (e.g. after a seek or reconnect). */
BV_API int32_t bv_temporal_aligner_reset(bv_temporal_aligner* aligner);

BV_API int32_t bv_temporal_aligner_destroy(bv_temporal_aligner* aligner);

/* ------------------------------------------------------------------------------------------------ */
/* Overlays                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

typedef struct bv_overlay_renderer bv_overlay_renderer;

/* Keeps scratch images between calls so that rendering a stream allocates nothing per frame. */
BV_API int32_t bv_overlay_renderer_create(bv_overlay_renderer** renderer);

/*
 * Blends a heatmap of the blur map (any size; quantised to 8 bits and resized bilinearly to the frame)
 * over the BGR8 frame in place: frame = (1 - opacity) * frame + opacity * turbo(map), opacity in [0, 1],
 * in 8-bit fixed point; the TURBO colour map shows sharp (0) in blue and blurred (1) in red.
 */
BV_API int32_t bv_overlay_render_heatmap(bv_overlay_renderer* renderer, uint8_t* bgr, int64_t buffer_size,
                                         int32_t width, int32_t height, int32_t stride, const float* map,
                                         int64_t map_size, int32_t map_width, int32_t map_height,
                                         int32_t map_stride, float opacity);

/*
 * Focus peaking in place, as camera monitors do: pixels of the frame whose edge strength is at least
 * edge_threshold AND that lie in focus are painted with `color` (0x00RRGGBB). In focus: the blur map value
 * is below blur_threshold, decided at map resolution and the resulting mask upscaled bilinearly to the
 * frame. Edge strength is the 3x3 Sobel gradient magnitude of the grey frame divided by 4, so that a step
 * edge of s grey levels has strength s; the frame's outermost pixel ring is never painted.
 * Typical values: edge_threshold 40, blur_threshold 0.5.
 */
BV_API int32_t bv_overlay_render_peaking(bv_overlay_renderer* renderer, uint8_t* bgr, int64_t buffer_size,
                                         int32_t width, int32_t height, int32_t stride, const float* map,
                                         int64_t map_size, int32_t map_width, int32_t map_height,
                                         int32_t map_stride, float blur_threshold, float edge_threshold,
                                         uint32_t color);

BV_API int32_t bv_overlay_renderer_destroy(bv_overlay_renderer* renderer);

/* ------------------------------------------------------------------------------------------------ */
/* In-focus regions                                                                                  */
/* ------------------------------------------------------------------------------------------------ */

typedef struct bv_region_finder bv_region_finder;

/* The largest 8-connected in-focus region of a blur map, in map pixel coordinates. */
typedef struct bv_focus_region {
    int32_t found;          /* 0 if no pixel is in focus (then all other fields are 0) */
    int32_t x;              /* bounding box: left, top, width, height */
    int32_t y;
    int32_t width;
    int32_t height;
    int32_t area;           /* pixels in the region */
    float centroid_x;       /* mean x and y of the region's pixels */
    float centroid_y;
    int32_t region_count;   /* number of in-focus regions in the map */
    float in_focus_fraction; /* in-focus pixels of the whole map / all pixels */
} bv_focus_region;

/* Keeps label buffers between calls so that analysing a stream allocates nothing per frame. */
BV_API int32_t bv_region_finder_create(bv_region_finder** finder);

/* In focus = map value < blur_threshold (e.g. 0.5). */
BV_API int32_t bv_region_finder_find(bv_region_finder* finder, const float* map, int64_t map_size, int32_t width,
                                     int32_t height, int32_t stride, float blur_threshold, bv_focus_region* region);

BV_API int32_t bv_region_finder_destroy(bv_region_finder* finder);

#ifdef __cplusplus
}
#endif

#endif /* BLURVIDEO_NATIVE_H */
