// Record a phrase from the microphone as a 16-bit mono WAV and send it with the upload form.
// Chrome's MediaRecorder makes WebM/Opus, which the companion cannot play, so the samples are
// taken with the Web Audio API (an AudioWorklet, or a ScriptProcessor in older browsers) and
// written as WAV here. Browsers give the microphone only to a secure context (127.0.0.1,
// localhost, https): elsewhere the page says so and the upload form is the way.
(function () {
  "use strict";
  var recorder = document.getElementById("recorder");
  var unavailable = document.getElementById("recorder-unavailable");
  var form = document.getElementById("upload-form");
  if (!recorder || !form) return;
  var Context = window.AudioContext || window.webkitAudioContext;
  var media = navigator.mediaDevices;
  if (!window.isSecureContext || !media || !media.getUserMedia || !Context) {
    unavailable.hidden = false;
    return;
  }
  recorder.hidden = false;

  var MAX_SECONDS = 55;
  var startButton = document.getElementById("record-start");
  var stopButton = document.getElementById("record-stop");
  var status = document.getElementById("record-status");
  var result = document.getElementById("record-result");
  var preview = document.getElementById("record-preview");
  var saveButton = document.getElementById("record-save");
  var download = document.getElementById("record-download");
  var WORKLET =
    "class Capture extends AudioWorkletProcessor {" +
    "  process(inputs) { var input = inputs[0];" +
    "    if (input && input[0]) this.port.postMessage(input[0].slice(0)); return true; } }" +
    "registerProcessor('capture', Capture);";

  var stream = null, context = null, chunks = [], timer = null, started = 0, wav = null;

  async function capture(source) {
    if (context.audioWorklet && window.AudioWorkletNode) {
      var url = URL.createObjectURL(new Blob([WORKLET], { type: "application/javascript" }));
      await context.audioWorklet.addModule(url);
      var node = new AudioWorkletNode(context, "capture");
      node.port.onmessage = function (event) { chunks.push(event.data); };
      source.connect(node);
      node.connect(context.destination); // silent: it writes nothing to its output
      return;
    }
    var processor = context.createScriptProcessor(4096, 1, 1);
    processor.onaudioprocess = function (event) {
      chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
    };
    source.connect(processor);
    processor.connect(context.destination);
  }

  async function start() {
    try {
      stream = await media.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false } });
    } catch (error) {
      status.textContent = "The microphone could not be opened (" + error.name + "). " +
        "Check that this browser may use it, then try again.";
      return;
    }
    context = new Context();
    chunks = [];
    try {
      await capture(context.createMediaStreamSource(stream));
    } catch (error) {
      status.textContent = "Recording could not start here (" + error.name + "). You can upload a file below.";
      finish();
      return;
    }
    started = Date.now();
    startButton.disabled = true;
    stopButton.disabled = false;
    result.hidden = true;
    stopButton.focus();
    tick();
    timer = setInterval(tick, 500);
  }

  function tick() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    status.textContent = "Recording\u2026 " + seconds + " s";
    if (seconds >= MAX_SECONDS) stop();
  }

  function finish() {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    if (context) context.close();
    stream = null;
  }

  function stop() {
    var rate = context.sampleRate;
    finish();
    startButton.disabled = false;
    stopButton.disabled = true;
    startButton.textContent = "Record again";
    wav = encode(chunks, rate);
    var url = URL.createObjectURL(wav);
    preview.src = url;
    download.href = url;
    result.hidden = false;
    var seconds = (wav.size - 44) / 2 / rate;
    status.textContent = "Recorded " + seconds.toFixed(1) + " s. Listen to it, then save it or record again.";
    preview.focus();
  }

  // A WAV file: the 44-byte header of 16-bit mono PCM, then the samples, little-endian.
  function encode(parts, rate) {
    var length = parts.reduce(function (sum, part) { return sum + part.length; }, 0);
    var view = new DataView(new ArrayBuffer(44 + length * 2));
    function text(at, value) { for (var i = 0; i < value.length; i++) view.setUint8(at + i, value.charCodeAt(i)); }
    text(0, "RIFF"); view.setUint32(4, 36 + length * 2, true); text(8, "WAVE");
    text(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true);
    view.setUint16(34, 16, true); text(36, "data"); view.setUint32(40, length * 2, true);
    var at = 44;
    parts.forEach(function (part) {
      for (var i = 0; i < part.length; i++, at += 2) {
        var sample = Math.max(-1, Math.min(1, part[i]));
        view.setInt16(at, sample < 0 ? sample * 0x8000 : sample * 0x7fff, true);
      }
    });
    return new Blob([view], { type: "audio/wav" });
  }

  function save() {
    // The upload form carries it (with the CSRF token and the trim box): one way to save.
    try {
      var transfer = new DataTransfer();
      transfer.items.add(new File([wav], "recording.wav", { type: "audio/wav" }));
      form.elements.file.files = transfer.files;
    } catch (error) {
      status.textContent = "This browser cannot send the recording from here. " +
        "Download it, then upload the file below.";
      return;
    }
    status.textContent = "Saving\u2026";
    saveButton.disabled = true;
    form.submit();
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  saveButton.addEventListener("click", save);
})();
