package org.sparkcnn.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Charts of a run drawn by JFreeChart and encoded as PNG: line charts of curves, a bar chart, and
 * a grid of charts in one picture. Everything is drawn into an image in memory, so no display is
 * needed: the JVM runs headless ({@code java.awt.headless=true}, set here unless the launcher set
 * it) and only needs a font, as any Java 2D text does.
 */
public final class Charts {
  /** Width of one chart in pixels. */
  public static final int WIDTH = 640;
  /** Height of one chart in pixels. */
  public static final int HEIGHT = 400;
  /** The smallest y range of a line chart, as a fraction of its largest value. */
  private static final double RELATIVE_MINIMUM_RANGE = 0.1;
  /** Colours told apart by colour-blind readers too (Paul Tol's bright scheme). */
  private static final Color[] PALETTE = {new Color(0x4477aa), new Color(0xee6677),
      new Color(0x228833), new Color(0xccbb44), new Color(0x66ccee), new Color(0xaa3377),
      new Color(0xbbbbbb), new Color(0x000000)};

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {}

  /**
   * One line of a chart: {@code y[i]} at {@code x[i]}; NaN values of {@code y} are left out.
   *
   * @throws IllegalArgumentException when {@code x} and {@code y} differ in length
   */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "series " + name + " has " + x.length + " x and " + y.length + " y values");
      }
    }

    /** Whether the series has a value to draw. */
    public boolean isEmpty() {
      for (double v : y) {
        if (!Double.isNaN(v)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A line chart of {@code series} against one x axis, with a legend when there are several.
   *
   * @param integerX whether the x axis counts (epochs, rounds): ticks on whole numbers only
   */
  public static JFreeChart lines(String title, String xLabel, String yLabel, boolean integerX,
      List<Series> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    double largest = 0;
    for (Series s : series) {
      XYSeries line = new XYSeries(s.name(), false, true);
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isNaN(s.y()[i])) {
          line.add(s.x()[i], s.y()[i]);
          largest = Math.max(largest, Math.abs(s.y()[i]));
        }
      }
      data.addSeries(line);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data,
        PlotOrientation.VERTICAL, series.size() > 1, false, false);
    XYPlot plot = chart.getXYPlot();
    NumberAxis range = (NumberAxis) plot.getRangeAxis();
    range.setAutoRangeIncludesZero(false);
    // A constant curve (a fixed learning rate) gets a range around its value, not a sliver.
    range.setAutoRangeMinimumSize(Math.max(largest * RELATIVE_MINIMUM_RANGE, Double.MIN_NORMAL));
    if (integerX) {
      plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
    return styled(chart);
  }

  /**
   * One line with a band around it: {@code mean[i]} at {@code x[i]}, shaded from {@code low[i]}
   * to {@code high[i]} (say the mean over repeats between the lowest and the highest repeat).
   *
   * @throws IllegalArgumentException when the arrays differ in length
   */
  public record Band(String name, double[] x, double[] mean, double[] low, double[] high) {
    public Band {
      if (x.length != mean.length || x.length != low.length || x.length != high.length) {
        throw new IllegalArgumentException("band " + name + " has arrays of different lengths");
      }
    }
  }

  /**
   * A line chart of {@code bands}, each line in its own colour with its band shaded in a light
   * shade of it ({@link DeviationRenderer}), with a legend.
   */
  public static JFreeChart bands(String title, String xLabel, String yLabel, List<Band> bands) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    for (Band b : bands) {
      YIntervalSeries series = new YIntervalSeries(b.name(), false, true);
      for (int i = 0; i < b.x().length; i++) {
        if (!Double.isNaN(b.mean()[i])) {
          series.add(b.x()[i], b.mean()[i], b.low()[i], b.high()[i]);
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    // points too: a one-epoch run is a point, not a line
    DeviationRenderer renderer = new DeviationRenderer(true, true);
    for (int i = 0; i < bands.size(); i++) {
      Color colour = PALETTE[i % PALETTE.length];
      renderer.setSeriesPaint(i, colour);
      renderer.setSeriesFillPaint(i, colour);
    }
    renderer.setAlpha(0.2f);
    plot.setRenderer(renderer);
    NumberAxis range = (NumberAxis) plot.getRangeAxis();
    range.setAutoRangeIncludesZero(false);
    range.setAutoRangeMinimumSize(1e-3);
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return styled(chart);
  }

  /**
   * A horizontal bar chart: one bar per entry of {@code bars}, in its iteration order.
   */
  public static JFreeChart bars(String title, String valueLabel, Map<String, Double> bars) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    bars.forEach((name, value) -> data.addValue(value, valueLabel, name));
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data,
        PlotOrientation.HORIZONTAL, false, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getRenderer().setSeriesPaint(0, new Color(0x4477aa));
    return styled(chart);
  }

  /** {@code chart} drawn at {@code width} x {@code height} pixels, as PNG. */
  public static byte[] png(JFreeChart chart, int width, int height) {
    return encode(chart.createBufferedImage(width, height));
  }

  /**
   * {@code charts} drawn in one picture, row by row, {@code columns} to a row, each {@link #WIDTH}
   * x {@link #HEIGHT} pixels, as PNG.
   *
   * @throws IllegalArgumentException when there are no charts or {@code columns} < 1
   */
  public static byte[] grid(List<JFreeChart> charts, int columns) {
    if (charts.isEmpty() || columns < 1) {
      throw new IllegalArgumentException(
          "a grid needs charts and columns >= 1: " + charts.size() + ", " + columns);
    }
    int cols = Math.min(columns, charts.size());
    int rows = (charts.size() + cols - 1) / cols;
    BufferedImage image =
        new BufferedImage(cols * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      for (int i = 0; i < charts.size(); i++) {
        charts.get(i).draw(g, new Rectangle2D.Double(
            (i % cols) * WIDTH, (i / cols) * HEIGHT, WIDTH, HEIGHT));
      }
    } finally {
      g.dispose();
    }
    return encode(image);
  }

  private static JFreeChart styled(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(new Color(0xf7f7f7));
    chart.setAntiAlias(true);
    return chart;
  }

  private static byte[] encode(BufferedImage image) {
    try {
      return ChartUtils.encodeAsPNG(image);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a chart as PNG", e);
    }
  }
}
