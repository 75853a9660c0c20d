import { useState } from 'react';

/**
 * A box sized to the image's own aspect ratio (from the stored width and height, so nothing jumps and no band shows),
 * with the thumbnail blurred behind it until the full size has loaded. Key it by image so a new one starts blurred.
 */
export function ImageBox({
  src,
  thumbSrc,
  width,
  height,
  alt,
  maxHeight = '80vh',
  className = '',
}: {
  src: string;
  thumbSrc: string;
  width: number;
  height: number;
  alt: string;
  /** Tall images are narrowed rather than cropped, so the box never exceeds this. */
  maxHeight?: string;
  className?: string;
}) {
  const [loaded, setLoaded] = useState(false);
  const ratio = width / height;
  return (
    <div
      data-testid="image-box"
      className={`relative mx-auto w-full overflow-hidden rounded-card ${className}`}
      style={{ aspectRatio: `${width} / ${height}`, maxWidth: `calc(${maxHeight} * ${ratio})` }}
    >
      {loaded ? null : (
        <img
          src={thumbSrc}
          alt=""
          aria-hidden
          className="absolute inset-0 size-full scale-110 object-cover blur-lg"
          data-testid="image-placeholder"
        />
      )}
      <img
        src={src}
        alt={alt}
        width={width}
        height={height}
        onLoad={() => setLoaded(true)}
        onError={() => setLoaded(true)}
        className={`relative block size-full object-contain ${loaded ? 'opacity-100' : 'opacity-0'}`}
      />
    </div>
  );
}
