// Every layer of the SDK and its measurement assembly, for the tests of all of them.
global using BlurVideo.Focus;
global using BlurVideo.Imaging;
global using BlurVideo.Inference;
global using BlurVideo.Measurement;
global using BlurVideo.Measurement.Evaluation;
global using BlurVideo.Native;
global using BlurVideo.Pipeline;
global using BlurVideo.Pipeline.Sources;
