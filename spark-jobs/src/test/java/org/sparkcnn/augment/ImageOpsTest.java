package org.sparkcnn.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The augmentation arithmetic, on small images with known values. */
class ImageOpsTest {
  /** A [channels, height, width] image whose value at (c, y, x) is 100c + 10y + x. */
  static FloatImage coordinates(int channels, int height, int width) {
    FloatImage image = FloatImage.zeros(channels, height, width);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          image.values()[image.offset(c, y, x)] = 100 * c + 10 * y + x;
        }
      }
    }
    return image;
  }

  static FloatImage random(int channels, int height, int width, long seed) {
    Random random = new Random(seed);
    FloatImage image = FloatImage.zeros(channels, height, width);
    for (int i = 0; i < image.values().length; i++) {
      image.values()[i] = random.nextInt(256);
    }
    return image;
  }

  @Test
  void cropTakesTheWindowAtItsPosition() {
    FloatImage out = ImageOps.crop(coordinates(2, 6, 7), 2, 3, 3, 4);
    assertEquals(2, out.channels());
    assertEquals(3, out.height());
    assertEquals(4, out.width());
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(100 * c + 10 * (y + 2) + (x + 3), out.get(c, y, x), c + "," + y + "," + x);
        }
      }
    }
  }

  @Test
  void cropOutsideTheImageReadsZeroPadding() {
    FloatImage out = ImageOps.crop(coordinates(1, 4, 4), -2, 1, 4, 4);
    assertEquals(0, out.get(0, 0, 0));
    assertEquals(0, out.get(0, 1, 3));
    assertEquals(1, out.get(0, 2, 0)); // source (0, 1)
    assertEquals(0, out.get(0, 2, 3)); // source (0, 4): past the right edge
    assertEquals(13, out.get(0, 3, 2)); // source (1, 3)
  }

  @Test
  void centreCropRoundsItsOffsetDown() {
    FloatImage out = ImageOps.centreCrop(coordinates(1, 32, 32), 24, 24);
    assertEquals(10 * 4 + 4, out.get(0, 0, 0));
    FloatImage odd = ImageOps.centreCrop(coordinates(1, 5, 6), 2, 3);
    assertEquals(10 * 1 + 1, odd.get(0, 0, 0));
  }

  @Test
  void flippingTwiceIsTheIdentity() {
    FloatImage image = random(3, 5, 7, 1);
    float[] original = image.values().clone();
    ImageOps.flipHorizontal(image);
    assertNotEquals(original[0], image.values()[0]);
    assertEquals(original[6], image.get(0, 0, 0));
    assertEquals(original[0], image.get(0, 0, 6));
    ImageOps.flipHorizontal(image);
    assertArrayEquals(original, image.values());
  }

  @Test
  void brightnessShiftsAndClips() {
    FloatImage image = new FloatImage(1, 1, 4, new float[] {0, 100, 200, 255});
    assertArrayEquals(new float[] {50, 150, 250, 255},
        ImageOps.adjustBrightness(image.copy(), 50).values());
    assertArrayEquals(new float[] {0, 37, 137, 192},
        ImageOps.adjustBrightness(image.copy(), -63).values());
  }

  @Test
  void contrastScalesAroundEachChannelMeanAndClips() {
    // channel 0 mean 100, channel 1 mean 200
    FloatImage image = new FloatImage(2, 1, 2, new float[] {50, 150, 150, 250});
    assertArrayEquals(new float[] {75, 125, 175, 225},
        ImageOps.adjustContrast(image.copy(), 0.5f).values(), 1e-4f);
    assertArrayEquals(new float[] {0, 250, 50, 255},
        ImageOps.adjustContrast(image.copy(), 3f).values(), 1e-4f);
  }

  @Test
  void standardizationGivesMeanZeroAndStdOne() {
    FloatImage image = ImageOps.standardize(random(3, 24, 24, 7));
    double sum = 0;
    double squares = 0;
    for (float v : image.values()) {
      sum += v;
      squares += v * v;
    }
    int n = image.values().length;
    assertEquals(0, sum / n, 1e-5);
    assertEquals(1, Math.sqrt(squares / n - (sum / n) * (sum / n)), 1e-4);
  }

  @Test
  void standardizationOfAUniformImageUsesTheMinimumStd() {
    FloatImage image = new FloatImage(1, 2, 2, new float[] {7, 7, 7, 7});
    assertArrayEquals(new float[4], ImageOps.standardize(image).values());
    FloatImage almost = new FloatImage(1, 1, 4, new float[] {0, 0, 0, 0.01f});
    // std 0.0043 < 1/sqrt(4): divided by 0.5
    assertEquals((0.01f - 0.0025f) / 0.5f, ImageOps.standardize(almost).values()[3], 1e-6);
  }

  @Test
  void normalizeUsesEachChannelsMeanAndStd() {
    FloatImage image = new FloatImage(2, 1, 2, new float[] {10, 20, 30, 50});
    assertArrayEquals(new float[] {0, 2, -1, 1},
        ImageOps.normalize(image, new float[] {10, 40}, new float[] {5, 10}).values());
  }

  @Test
  void resizeKeepsAUniformImageUniformAndHitsTheTargetSize() {
    FloatImage uniform = new FloatImage(1, 3, 5, new float[15]);
    java.util.Arrays.fill(uniform.values(), 42);
    FloatImage out = ImageOps.resize(uniform, 7, 4);
    assertEquals(7, out.height());
    assertEquals(4, out.width());
    for (float v : out.values()) {
      assertEquals(42, v, 1e-4);
    }
    // Halving a linear ramp samples between pixel pairs.
    FloatImage ramp = new FloatImage(1, 1, 4, new float[] {0, 10, 20, 30});
    assertArrayEquals(new float[] {5, 25}, ImageOps.resize(ramp, 1, 2).values(), 1e-4f);
  }

  @Test
  void resizeShorterSideThenCropGivesASquareFromTheMiddle() {
    FloatImage wide = coordinates(1, 4, 8); // shorter side 4 -> 2: becomes 2 x 4, centre 2 x 2
    FloatImage out = ImageOps.resizeShorterSideAndCrop(wide, 2);
    assertEquals(2, out.height());
    assertEquals(2, out.width());
    // Resized pixel (y, x) samples source (2y + 0.5, 2x + 0.5); the crop keeps columns 1 and 2.
    assertArrayEquals(new float[] {7.5f, 9.5f, 27.5f, 29.5f}, out.values(), 1e-4f);
  }

  @Test
  void lightingAddsTheWeightedPrincipalComponentsToEveryPixel() {
    FloatImage image = new FloatImage(3, 1, 2, new float[] {10, 10, 20, 20, 30, 30});
    double[][] vectors = {{1, 0, 0}, {0, 0.6, 0.8}, {0, 0.8, -0.6}};
    ImageOps.addLighting(image, new double[] {100, 10, 1}, vectors, new double[] {0.1, -0.5, 2});
    // shift = 0.1*100*(1,0,0) - 0.5*10*(0,.6,.8) + 2*1*(0,.8,-.6) = (10, -1.4, -5.2)
    assertArrayEquals(new float[] {20, 20, 18.6f, 18.6f, 24.8f, 24.8f}, image.values(), 1e-4f);
  }

  @Test
  void tenCropGivesCornersCentreThenTheirMirrors() {
    FloatImage image = coordinates(1, 5, 6);
    List<FloatImage> crops = ImageOps.tenCrop(image, 3, 4);
    assertEquals(10, crops.size());
    float[] topLefts = {0, 2, 20, 22, 11}; // value at each crop's (0, 0): 10y + x of its corner
    for (int i = 0; i < 5; i++) {
      assertEquals(3, crops.get(i).height());
      assertEquals(4, crops.get(i).width());
      assertEquals(topLefts[i], crops.get(i).get(0, 0, 0), "crop " + i);
      FloatImage mirrored = ImageOps.flipHorizontal(crops.get(i + 5).copy());
      assertArrayEquals(crops.get(i).values(), mirrored.values(), "mirror of crop " + i);
    }
    assertArrayEquals(coordinates(1, 5, 6).values(), image.values(), "input untouched");
  }
}
