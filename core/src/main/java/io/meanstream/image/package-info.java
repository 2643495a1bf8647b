/**
 * The one image decoding and normalisation library, shared by the trainer and the inference
 * service so that both turn the same bytes into the same tensors (no train/serve skew).
 *
 * <p>{@link io.meanstream.image.ImageDecoder} turns untrusted PNG, JPEG or raw payloads into
 * {@link io.meanstream.image.DecodedImage}s within {@link io.meanstream.image.ImageLimits};
 * {@link io.meanstream.image.ImageNormaliser} turns those into CHW float tensors as described by a
 * {@link io.meanstream.image.TensorSpec}; {@link io.meanstream.image.ImagePipeline} does both.
 * Failures are {@link io.meanstream.image.ImageDecodingException}s with a machine-readable reason.
 * Only the JDK (javax.imageio) is used.
 */
package io.meanstream.image;
