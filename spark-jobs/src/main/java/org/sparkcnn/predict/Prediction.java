package org.sparkcnn.predict;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.PredictConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.DataFrameDataset;
import org.sparkcnn.data.Datasets;
import org.sparkcnn.data.ImageDataset;
import org.sparkcnn.data.ImageFolderDataset;
import org.sparkcnn.data.Loaded;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunLock;
import org.sparkcnn.report.RunReport;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.Evaluator;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunReports;
import org.sparkcnn.train.RunResult;

/**
 * One prediction run: the model and the input are opened and checked before any run directory
 * exists (a missing model or run file, images of a shape the model cannot take, no images: the
 * job fails with nothing written); then, holding the directory's lock, the images are read into
 * the executors' memory (unusable ones skipped, listed in {@code skipped-images.csv}, the run
 * failing past {@code data.max-skipped-fraction}), scored with the broadcast model in minibatches
 * ({@link Scorer}), and the predictions, evaluation tables (labelled input), {@code report.html}
 * and {@code _SUCCESS} written; on failure {@code _FAILED} with the reason.
 *
 * <p>An existing run directory is refused ({@link org.sparkcnn.report.RunExistsException}),
 * whatever {@code run.if-exists} says: a prediction is not resumed but run again under another
 * {@code run.id}.
 *
 * <p>What is scored: the images of {@code predict.input}, decoded to the run's image shape with
 * its size and channel policies and {@code data.max-image-pixels}; or, when it is empty, the
 * {@code predict.split} split of the {@code data} section's dataset (by default the model's run's
 * test set, limited and partitioned as the run had it), whose images must have the run's shape.
 */
public final class Prediction {
  /** The job's logger: its lines are the prediction job's. */
  private static final Logger log = LoggerFactory.getLogger(PredictJob.class);

  private Prediction() {}

  /** The images to score, opened on the driver. */
  private record Input(ImageDataset dataset, boolean labelled, String split) {}

  /**
   * Scores what {@code config} names on {@code sc} into a new run directory.
   *
   * @return the run directory and, for labelled input, the top-1 and top-5 accuracy (else NaN)
   * @throws BadInputException for a missing or unreadable model or run file, an input that is
   *     missing, empty or of another shape, or too many unusable images
   * @throws org.sparkcnn.config.InvalidConfigException for a bad {@code predict} section or an
   *     unusable {@code run.output-root}
   * @throws org.sparkcnn.report.RunExistsException when the run directory exists
   * @throws org.sparkcnn.report.RunLockedException when another driver holds its lock
   */
  public static RunResult run(JobConfig config, JavaSparkContext sc) {
    log.info("configuration:\n{}", config.renderRedacted());
    PredictConfig predict = PredictConfig.from(config.resolved());
    Configuration hadoopConf = sc.hadoopConfiguration();
    RunLifecycle.requireFileSystem(config.run().outputRoot(), hadoopConf);
    ServingModel model = ServingModel.load(predict.model(), predict.movingAverage(), hadoopConf);
    if (predict.topK() > model.numClasses()) {
      throw new InvalidConfigException("predict.top-k must be at most the model's "
          + model.numClasses() + " classes (" + model.modelPath() + "), got " + predict.topK());
    }
    log.info("model {} ({} classes): images {} -> {} -> network {}", model.modelPath(),
        model.numClasses(), model.inputShape(), model.evalAugmenter().pipeline(),
        model.networkInput());
    Input input = open(config, predict, model, hadoopConf);
    String runId = config.run().id().isEmpty() ? "predict-" + RunLifecycle.runId(config)
        : config.run().id();
    RunLock lock = RunLock.acquire(
        RunDirectory.create(config.run().outputRoot(), runId, hadoopConf),
        hadoopConf, config.run().lockStale(), sc.sc().applicationId(),
        dir -> dir.write(RunLayout.CONFIG, config.render()));
    RunDirectory dir = lock.directory();
    log.info("run directory: {}", dir.path());
    List<JavaRDD<?>> cached = new ArrayList<>();
    try {
      RunResult result = score(config, predict, model, input, sc, dir, cached);
      dir.markSuccess();
      return result;
    } catch (Exception | OutOfMemoryError e) { // rethrown as is: SparkException is checked
      RunLifecycle.recordFailure(dir, e);
      if (!dir.exists(RunLayout.SUCCESS)) { // the prediction's page, not the training's
        RunReport.updatePrediction(dir, RunReport.Status.failed(String.valueOf(
            ExitCode.message(e))));
      }
      throw e;
    } finally {
      lock.release();
      cached.forEach(rdd -> rdd.unpersist(false));
    }
  }

  /** Opens the input and checks it against the model. */
  private static Input open(JobConfig config, PredictConfig predict, ServingModel model,
      Configuration hadoopConf) {
    if (!predict.scoresDataset()) {
      return new Input(ImageFolderDataset.openUnlabelled(predict.input(), model.inputShape(),
          // the run's policies (the preprocessing), the configured limit (by default the run's)
          model.onSizeMismatch(), model.onChannelMismatch(), config.data().maxImagePixels(),
          hadoopConf),
          false, "input");
    }
    Datasets.Split split = predict.split().equals(PredictConfig.TRAIN) ? Datasets.Split.TRAIN
        : Datasets.Split.TEST;
    ImageDataset dataset = Datasets.open(config.data(), split, config.run().seed(), hadoopConf);
    model.requireTakes(dataset.shape(), dataset.location());
    if (dataset.numClasses() != model.numClasses()) {
      throw new BadInputException(dataset.location() + " holds " + dataset.numClasses()
          + " classes but the model " + model.modelPath() + " tells " + model.numClasses()
          + " apart");
    }
    // Labels are class indices: they mean the model's classes only if the names agree.
    boolean named = dataset instanceof ImageFolderDataset
        || dataset instanceof DataFrameDataset frame && frame.namedClasses();
    List<String> names = named ? dataset.classNames()
        : IntStream.range(0, dataset.numClasses()).mapToObj(config.data()::className).toList();
    if (!names.equals(model.classNames())) {
      throw new BadInputException("the classes " + names + " of " + dataset.location() + " ("
          + (named ? "its class folders or label names" : "data.class-names, or indices when"
              + " it is empty") + ") differ from the model's classes " + model.classNames()
          + " (" + RunLayout.CLASSES + " of " + model.runDirectory() + "): its labels would be"
          + " read as other classes" + (named ? "" : "; set data.class-names to the dataset's"
              + " class names, in label order"));
    }
    return new Input(dataset, true, predict.split());
  }

  private static RunResult score(JobConfig config, PredictConfig predict, ServingModel model,
      Input input, JavaSparkContext sc, RunDirectory dir, List<JavaRDD<?>> cached) {
    long t0 = System.nanoTime();
    dir.write(RunLayout.CLASSES, RunReports.classes(model.classNames()).toCsv());
    int partitions = config.data().partitions() > 0 ? config.data().partitions()
        : sc.defaultParallelism();
    ImageDataset dataset = input.dataset();
    Loaded loaded = dataset.loadCached(sc, partitions);
    cached.add(loaded.examples());
    if (!loaded.skipped().isEmpty()) {
      Table skipped = new Table(RunLayout.SKIPPED_COLUMNS);
      loaded.skipped().forEach(s -> skipped.add(input.split(), s.path(), s.reason()));
      dir.write(RunLayout.SKIPPED, skipped.toCsv());
      String listedIn = dir.resolve(RunLayout.SKIPPED).toString();
      log.warn("skipped {} images; listed in {}", loaded.skipped().size(), listedIn);
      loaded.requireSkippedAtMost(config.data().maxSkippedFraction(), dataset.location(),
          listedIn);
    }
    if (loaded.count() == 0) {
      throw new BadInputException("no images to score in " + dataset.location()
          + (loaded.skipped().isEmpty() ? "" : ": every one was skipped"));
    }
    int batchSize = predict.batchSize() > 0 ? predict.batchSize()
        : config.train().evalBatchSize();
    Broadcast<ScoringPayload> payload = sc.broadcast(model.payload());
    JavaRDD<Scored> scored = loaded.examples()
        .mapPartitions(images -> !images.hasNext() ? Collections.<Scored>emptyIterator()
            : payload.value().scorer().score(images, batchSize))
        .persist(StorageLevel.MEMORY_ONLY());
    cached.add(scored);
    try {
      long count = scored.count();
      double seconds = (System.nanoTime() - t0) / 1e9;
      Evaluation eval = input.labelled() ? evaluate(scored, model.numClasses(), batchSize)
          : null;
      Map<Long, String> paths = dataset instanceof ImageFolderDataset folder ? folder.paths()
          : Map.of();
      writePredictions(sc, dir, scored, new Columns(model.classNames(),
          predict.topK(), new HashMap<>(paths)));
      if (eval != null) {
        List<String> names = model.classNames();
        dir.write(RunLayout.ACCURACY, RunReports.accuracy(config, eval, null).toCsv());
        dir.write(RunLayout.ACCURACY_MD,
            RunReports.accuracyMarkdown(config, names, eval, null));
        dir.write(RunLayout.PER_CLASS, RunReports.perClass(names, eval).toCsv());
        dir.write(RunLayout.CONFUSION, RunReports.confusion(eval).toCsv());
      }
      RunReport.updatePrediction(dir,
          RunReport.Status.predicted(count, loaded.skipped().size()));
      log.info(String.format(Locale.ROOT, "predictions: %d images scored (%d skipped) in %.1f s,"
              + " %.1f images/s%s; %s", count, loaded.skipped().size(), seconds,
          count / seconds, eval == null ? "" : String.format(Locale.ROOT,
              "; top-1 accuracy %.4f, top-5 %.4f", eval.accuracy(), eval.topNAccuracy()),
          dir.resolve(RunLayout.PREDICTIONS_CSV)));
      return new RunResult(dir.path().toString(), eval == null ? Double.NaN : eval.accuracy(),
          eval == null ? Double.NaN : eval.topNAccuracy(), Double.NaN, Double.NaN, List.of(),
          model.network());
    } finally {
      payload.unpersist(false);
    }
  }

  /**
   * The accuracy, top-5 and confusion of {@code scored} against its labels, evaluated per
   * partition in groups of {@code batchSize} as the training run's evaluation does.
   */
  static Evaluation evaluate(JavaRDD<Scored> scored, int numClasses, int batchSize) {
    return scored.mapPartitions(it -> evaluatePartition(it, numClasses, batchSize))
        .treeReduce((a, b) -> {
          a.merge(b);
          return a;
        }, 2);
  }

  private static Iterator<Evaluation> evaluatePartition(Iterator<Scored> scored, int numClasses,
      int batchSize) {
    if (!scored.hasNext()) {
      return Collections.emptyIterator();
    }
    Evaluation evaluation = Evaluator.newEvaluation(numClasses);
    while (scored.hasNext()) {
      List<Scored> batch = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && scored.hasNext()) {
        batch.add(scored.next());
      }
      float[][] labels = new float[batch.size()][numClasses];
      float[][] probabilities = new float[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        labels[i][batch.get(i).label()] = 1f;
        probabilities[i] = batch.get(i).probabilities();
      }
      evaluation.eval(Nd4j.create(labels), Nd4j.create(probabilities));
    }
    return Collections.singletonList(evaluation).iterator();
  }

  /**
   * How one scored image becomes a row of the predictions; broadcast, with Java serialisation
   * under Kryo too (Kryo cannot rebuild a record).
   */
  @DefaultSerializer(JavaSerializer.class)
  record Columns(List<String> classNames, int topK, HashMap<Long, String> paths)
      implements java.io.Serializable {
    List<String> names() {
      List<String> names = new ArrayList<>(RunLayout.PREDICTIONS_COLUMNS);
      for (int i = 1; i <= topK; i++) {
        for (String prefix : RunLayout.PREDICTIONS_TOP_PREFIXES) {
          names.add(prefix + i);
        }
      }
      return names;
    }

    StructType schema() {
      List<StructField> fields = new ArrayList<>();
      List<DataType> fixed = List.of(DataTypes.LongType, DataTypes.StringType,
          DataTypes.IntegerType, DataTypes.StringType, DataTypes.IntegerType,
          DataTypes.StringType);
      List<DataType> top = List.of(DataTypes.IntegerType, DataTypes.StringType,
          DataTypes.FloatType);
      List<String> names = names();
      for (int i = 0; i < names.size(); i++) {
        DataType type = i < fixed.size() ? fixed.get(i) : top.get((i - fixed.size()) % 3);
        fields.add(DataTypes.createStructField(names.get(i), type, true));
      }
      fields.add(DataTypes.createStructField(RunLayout.PREDICTIONS_PROBABILITIES,
          DataTypes.createArrayType(DataTypes.FloatType, false), false));
      return DataTypes.createStructType(fields);
    }

    /** The cells of {@code s}'s row, without the probabilities array; null where empty. */
    List<Object> cells(Scored s) {
      int predicted = s.predicted();
      boolean labelled = s.label() != Scored.NO_LABEL;
      List<Object> cells = new ArrayList<>(List.of(s.index()));
      cells.add(paths.get(s.index()));
      cells.add(labelled ? s.label() : null);
      cells.add(labelled ? classNames.get(s.label()) : null);
      cells.add(predicted);
      cells.add(classNames.get(predicted));
      for (int c : s.topK(topK)) {
        cells.add(c);
        cells.add(classNames.get(c));
        cells.add(s.probabilities()[c]);
      }
      return cells;
    }

    Row row(Scored s) {
      List<Object> cells = cells(s);
      float[] p = s.probabilities();
      Float[] boxed = new Float[p.length];
      for (int c = 0; c < p.length; c++) {
        boxed[c] = p[c];
      }
      cells.add(boxed);
      return RowFactory.create(cells.toArray());
    }

    /**
     * The CSV cells of {@code s}'s row: empty for null, probabilities as Java prints floats. A
     * mutable list: Kryo, which returns task results, cannot rebuild an immutable one.
     */
    ArrayList<String> csv(Scored s) {
      ArrayList<String> cells = new ArrayList<>();
      cells(s).forEach(v -> cells.add(v == null ? "" : v.toString()));
      return cells;
    }
  }

  /** {@code predictions.parquet} (Spark) and {@code predictions.csv} (streamed, index order). */
  private static void writePredictions(JavaSparkContext sc, RunDirectory dir,
      JavaRDD<Scored> scored, Columns columns) {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Broadcast<Columns> shared = sc.broadcast(columns);
    try {
      spark.createDataFrame(scored.map(s -> shared.value().row(s)), columns.schema())
          .write().parquet(dir.resolve(RunLayout.PREDICTIONS_PARQUET).toString());
      dir.write(RunLayout.PREDICTIONS_CSV, out -> {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        writer.write(Table.csvLine(columns.names()));
        Iterator<ArrayList<String>> lines =
            scored.map(s -> shared.value().csv(s)).toLocalIterator();
        while (lines.hasNext()) {
          writer.write(Table.csvLine(lines.next()));
        }
        writer.flush();
      });
    } finally {
      shared.unpersist(false);
    }
  }
}
