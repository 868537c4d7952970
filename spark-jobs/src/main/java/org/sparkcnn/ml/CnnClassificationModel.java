package org.sparkcnn.ml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.ImageRows;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.predict.Scorer;
import org.sparkcnn.predict.ScoringPayload;
import org.sparkcnn.predict.ServingModel;

/**
 * A trained network as a Spark ML {@link Model}: {@link #transform} adds to each row of an image
 * DataFrame the class the network predicts and the class probabilities, preprocessing every image
 * exactly as the training run's test evaluation did (the run's size and channel policies,
 * evaluation pipeline and training-set statistics, through {@link ScoringPayload} and {@link
 * Scorer}).
 *
 * <p>Usage:
 * <pre>
 * CnnClassificationModel model = CnnClassificationModel.fromRun("runs/lenet5-fm", hadoopConf);
 * Dataset&lt;Row&gt; images = spark.read().format("image").load("new-images/");
 * model.transform(images).select("image.origin", "prediction", "predictedLabel").show();
 * new PipelineModel("cnn", new Transformer[] {model}).write().save("models/cnn");
 * </pre>
 *
 * <p>Input column {@code imageCol} (default {@code image}): a struct of Spark's {@code image} data
 * source, or binary holding encoded JPEG or PNG bytes ({@code binaryFile}'s {@code content});
 * which one is read from the schema. Output columns, appended after every input column, rows in
 * their input order and partitions: {@code predictionCol} (default {@code prediction}, double:
 * the most probable class index, the lowest among ties), {@code probabilityCol} (default {@code
 * probability}, an ML {@code Vector} of one probability per class, summing to 1) and, unless set
 * to "", {@code predictedLabelCol} (default {@code predictedLabel}, the class name of {@code
 * classes.csv}). Images are scored in minibatches of {@code batchSize} (default 64) per partition.
 *
 * <p>A row whose image is null or cannot be used (not a whole JPEG or PNG, a struct the image
 * source could not decode, too many pixels, or refused by the run's size or channel policy) is
 * handled as {@code handleInvalid} says, Spark ML's convention: {@code keep} (the default) keeps
 * it with null in the output columns, so one bad image does not fail a nightly job and {@code
 * prediction IS NULL} finds them; {@code skip} drops it; {@code error} fails the job with a
 * {@link BadInputException} naming the column, the partition, the row's position in it, the
 * image's origin (image structs) and the reason. The random steps of an evaluation pipeline (none
 * in the built-in ones) are seeded with a row's position in its partition.
 *
 * <p>Saved ({@link #write()}) as Spark ML's parameter metadata plus, under {@code data/}, the
 * network as a DL4J {@code model.zip} and the serving metadata (evaluation pipeline with its
 * statistics, class names, decoding policies) in Java serialisation, which the same version of
 * this project reads back ({@link #read()}), also as a stage of a {@code PipelineModel}.
 */
public final class CnnClassificationModel extends Model<CnnClassificationModel>
    implements MLWritable {
  private static final long serialVersionUID = 1L;
  /** File of the network under a saved model's {@code data/}. */
  static final String NETWORK_FILE = "model.zip";
  /** File of the serving metadata under a saved model's {@code data/}. */
  static final String SERVING_FILE = "serving.ser";
  static final int DEFAULT_BATCH_SIZE = 64;
  /** {@code handleInvalid}: null outputs; the default. */
  public static final String KEEP = "keep";
  /** {@code handleInvalid}: the row is dropped. */
  public static final String SKIP = "skip";
  /** {@code handleInvalid}: the job fails naming the row. */
  public static final String ERROR = "error";
  private static final List<String> HANDLE_INVALID = List.of(KEEP, SKIP, ERROR);

  private final String uid;
  private final Serving serving;
  /** Not serialised: executors get the broadcast payload, never this model's network. */
  private final transient org.deeplearning4j.nn.api.Model network;
  private transient ScoringPayload payload;

  // Made in the constructor, after the uid they are keyed by.
  private final Param<String> imageCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> predictedLabelCol;
  private final IntParam batchSize;
  private final Param<String> handleInvalid;

  CnnClassificationModel(String uid, org.deeplearning4j.nn.api.Model network,
      Serving serving) {
    this.uid = uid;
    this.network = network;
    this.serving = serving;
    imageCol = new Param<>(this, "imageCol",
        "input column: a struct of Spark's image source or binary of encoded JPEG/PNG bytes");
    predictionCol = new Param<>(this, "predictionCol",
        "output column of the predicted class index (double)");
    probabilityCol = new Param<>(this, "probabilityCol",
        "output column of the class probabilities (vector)");
    predictedLabelCol = new Param<>(this, "predictedLabelCol",
        "output column of the predicted class name; empty: none");
    batchSize = new IntParam(this, "batchSize", "images per minibatch on the executors (> 0)",
        ParamValidators.gt(0));
    setDefault(imageCol, "image");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(predictedLabelCol, "predictedLabel");
    handleInvalid = new Param<>(this, "handleInvalid", "a row whose image is null or unusable:"
        + " keep (null outputs), skip (dropped) or error (the job fails naming the row)",
        ParamValidators.inArray(HANDLE_INVALID));
    setDefault(batchSize, DEFAULT_BATCH_SIZE);
    setDefault(handleInvalid, KEEP);
  }

  /**
   * The model of a training run's output: {@link ServingModel#load(String, Configuration)}.
   *
   * @param location a run directory (its {@code model.zip}) or a model file in one ({@code
   *     model-ema.zip} for the moving average), on any Hadoop filesystem
   * @throws BadInputException when the model or the run's configuration, classes or statistics
   *     are missing or unreadable, naming the file
   */
  public static CnnClassificationModel fromRun(String location, Configuration hadoopConf) {
    return fromServingModel(ServingModel.load(location, hadoopConf));
  }

  /**
   * {@link #fromRun(String, Configuration)} with the active Spark session's Hadoop configuration.
   *
   * @throws IllegalStateException when no Spark session is active
   */
  public static CnnClassificationModel fromRun(String location) {
    return fromRun(location, SparkSession.active().sparkContext().hadoopConfiguration());
  }

  /** The model scoring with {@code model}'s network and preprocessing. */
  public static CnnClassificationModel fromServingModel(ServingModel model) {
    return new CnnClassificationModel(newUid(), model.network(),
        new Serving(model.evalAugmenter(), model.classNames(), model.onSizeMismatch(),
            model.onChannelMismatch(), model.maxImagePixels(),
            model.network() instanceof ComputationGraph));
  }

  /**
   * The model scoring with {@code network} after {@code evaluation}, for a network that has no run
   * directory (benchmarks, networks trained elsewhere).
   *
   * @param evaluation the evaluation pipeline; its input shape is the shape images are decoded to
   * @param classNames class names by class index, as many as the network's outputs
   * @param onSizeMismatch what to do with an image of another height and width
   * @param onChannelMismatch what to do with an image of another channel count
   * @param maxImagePixels the largest image decoded, in pixels
   * @throws IllegalArgumentException when the class names do not match the pipeline's classes
   */
  public static CnnClassificationModel fromNetwork(org.deeplearning4j.nn.api.Model network,
      Augmenter evaluation, List<String> classNames, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxImagePixels) {
    if (classNames.size() != evaluation.numClasses()) {
      throw new IllegalArgumentException(classNames.size() + " class names for "
          + evaluation.numClasses() + " classes");
    }
    return new CnnClassificationModel(newUid(), network, new Serving(evaluation, classNames,
        onSizeMismatch, onChannelMismatch, maxImagePixels,
        network instanceof ComputationGraph));
  }

  private static String newUid() {
    return "cnnClassification_" + UUID.randomUUID().toString().substring(24);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> imageCol() {
    return imageCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> predictedLabelCol() {
    return predictedLabelCol;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  /** What happens to a row whose image is null or unusable: keep, skip or error. */
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public String getHandleInvalid() {
    return $(handleInvalid);
  }

  public CnnClassificationModel setHandleInvalid(String value) {
    return (CnnClassificationModel) set(handleInvalid, value);
  }

  public String getImageCol() {
    return $(imageCol);
  }

  public String getPredictionCol() {
    return $(predictionCol);
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  public String getPredictedLabelCol() {
    return $(predictedLabelCol);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  public CnnClassificationModel setImageCol(String value) {
    return (CnnClassificationModel) set(imageCol, value);
  }

  public CnnClassificationModel setPredictionCol(String value) {
    return (CnnClassificationModel) set(predictionCol, value);
  }

  public CnnClassificationModel setProbabilityCol(String value) {
    return (CnnClassificationModel) set(probabilityCol, value);
  }

  /** The class-name column; "" adds none. */
  public CnnClassificationModel setPredictedLabelCol(String value) {
    return (CnnClassificationModel) set(predictedLabelCol, value);
  }

  public CnnClassificationModel setBatchSize(int value) {
    return (CnnClassificationModel) set(batchSize, value);
  }

  /** Class names by class index: the meaning of {@code prediction}. */
  public List<String> classNames() {
    return serving.classNames();
  }

  /** Number of classes: the size of every probability vector. */
  public int numClasses() {
    return serving.classNames().size();
  }

  /** Shape [channels, height, width] every image is decoded to before the evaluation pipeline. */
  public ImageShape imageShape() {
    return serving.imageShape();
  }

  /**
   * The output schema: {@code schema} with the output columns appended.
   *
   * @throws IllegalArgumentException when the input column is missing (naming the columns that
   *     exist) or is neither an image-source struct nor binary, or an output column exists
   */
  @Override
  public StructType transformSchema(StructType schema) {
    imageColumn(schema);
    StructType out = schema;
    for (StructField field : outputFields()) {
      if (Arrays.asList(schema.fieldNames()).contains(field.name())) {
        throw new IllegalArgumentException("Output column " + field.name()
            + " already exists; the columns: " + String.join(", ", schema.fieldNames()));
      }
      out = out.add(field);
    }
    return out;
  }

  private ImageRows.ImageColumn imageColumn(StructType schema) {
    try {
      return ImageRows.imageColumn(schema, getImageCol(), "imageCol");
    } catch (BadInputException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private List<StructField> outputFields() {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField(getPredictionCol(), DataTypes.DoubleType, true),
        DataTypes.createStructField(getProbabilityCol(), SQLDataTypes.VectorType(), true)));
    if (!getPredictedLabelCol().isEmpty()) {
      fields.add(DataTypes.createStructField(getPredictedLabelCol(), DataTypes.StringType, true));
    }
    return fields;
  }

  /**
   * {@code dataset} with the output columns (see the class comment). Lazy, as every Spark ML
   * transform: images are decoded and scored when the result is computed; the network is
   * broadcast once per call.
   *
   * @throws IllegalArgumentException as {@link #transformSchema}
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    ImageRows.ImageColumn kind = imageColumn(dataset.schema());
    int column = dataset.schema().fieldIndex(getImageCol());
    JavaSparkContext sc =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    Broadcast<ScoringPayload> broadcast = sc.broadcast(payload());
    Serving decoding = serving;
    RowScorer.Settings settings = new RowScorer.Settings(kind, getImageCol(), column,
        getBatchSize(), !getPredictedLabelCol().isEmpty(), getHandleInvalid());
    JavaRDD<Row> scored = dataset.toDF().javaRDD().mapPartitions(rows -> new RowScorer(
        rows, broadcast.value(), decoding, settings));
    return dataset.sparkSession().createDataFrame(scored, schema);
  }

  /** The payload executors score with, made once per model (a copy of the parameters). */
  private synchronized ScoringPayload payload() {
    if (payload == null) {
      payload = new ScoringPayload(network, serving.augmenter(), serving.classNames());
    }
    return payload;
  }

  /** The network, for saving ({@link ModelFiles}). */
  org.deeplearning4j.nn.api.Model network() {
    return network;
  }

  /** What decoding and scoring need besides the network, for saving ({@link ModelFiles}). */
  Serving serving() {
    return serving;
  }

  @Override
  public CnnClassificationModel copy(ParamMap extra) {
    CnnClassificationModel copy = new CnnClassificationModel(uid, network, serving);
    return copyValues(copy, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelFiles.Writer(this);
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }

  /** The reader of saved models; {@code PipelineModel.load} finds it by this name. */
  public static MLReader<CnnClassificationModel> read() {
    return new ModelFiles.Reader();
  }

  /** {@code read().load(path)}. */
  public static CnnClassificationModel load(String path) {
    return read().load(path);
  }


}
